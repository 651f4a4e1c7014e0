package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.Checks;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The GPUs the planner may use: hosts, each with GPUs of one type. An instance sits inside one host (its GPUs share
 * the host's NVLink domain), so a host's GPU count bounds what runs on it.
 *
 * @param hosts the hosts, with distinct names; at least one
 */
public record Cluster(List<Host> hosts) {
  /** The most GPUs one host (one NVLink domain) may have. */
  public static final int MAX_GPUS_PER_HOST = 1024;

  /**
   * One host.
   *
   * @param name a unique name
   * @param gpuType the type of all its GPUs
   * @param gpus how many GPUs it has, at least 1
   */
  public record Host(String name, String gpuType, int gpus) {
    public Host {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(gpuType, "gpuType");
      if (name.isBlank() || gpuType.isBlank()) {
        throw new IllegalArgumentException("A host needs a non-blank name and GPU type (got '" + name + "', '"
            + gpuType + "').");
      }
      Checks.atLeast("GPU count of host " + name, gpus, 1);
      if (gpus > MAX_GPUS_PER_HOST) {
        throw new IllegalArgumentException("The GPU count of host " + name + " (" + gpus + ") must be at most "
            + MAX_GPUS_PER_HOST + " (one host is one NVLink domain).");
      }
    }

    /** Whether an option can run on this host: same GPU type and few enough GPUs. */
    public boolean fits(InstanceOption option) {
      return option.gpuType().equalsIgnoreCase(gpuType) && option.gpus() <= gpus;
    }
  }

  public Cluster {
    hosts = List.copyOf(Objects.requireNonNull(hosts, "hosts"));
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("A cluster needs at least one host.");
    }
    Set<String> names = new HashSet<>();
    for (Host h : hosts) {
      if (!names.add(h.name())) {
        throw new IllegalArgumentException("The host name '" + h.name() + "' appears twice.");
      }
    }
  }

  /** {@code count} hosts of {@code gpusPerHost} GPUs of one type, named {@code prefix-0}, {@code prefix-1}, ... */
  public static Cluster uniform(String prefix, String gpuType, int count, int gpusPerHost) {
    Checks.atLeast("host count", count, 1);
    return new Cluster(java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> new Host(prefix + "-" + i, gpuType, gpusPerHost)).toList());
  }

  /** This cluster's hosts followed by another's. */
  public Cluster plus(Cluster other) {
    List<Host> all = new java.util.ArrayList<>(hosts);
    all.addAll(other.hosts);
    return new Cluster(all);
  }

  /** Whether some host can hold an instance of the option. */
  public boolean canHold(InstanceOption option) {
    return hosts.stream().anyMatch(h -> h.fits(option));
  }

  /** The options some host can hold: what a plan for this cluster may use. */
  public java.util.List<InstanceOption> holdable(java.util.List<InstanceOption> options) {
    return options.stream().filter(this::canHold).toList();
  }

  /** GPUs per type. */
  public Map<String, Integer> gpusByType() {
    Map<String, Integer> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Host h : hosts) {
      m.merge(h.gpuType(), h.gpus(), Integer::sum);
    }
    return m;
  }

  /** Total GPUs. */
  public int totalGpus() {
    return hosts.stream().mapToInt(Host::gpus).sum();
  }

  /** The host called {@code name}. */
  public Host host(String name) {
    for (Host h : hosts) {
      if (h.name().equals(name)) {
        return h;
      }
    }
    throw new IllegalArgumentException("There is no host '" + name + "' in the cluster.");
  }
}

package dev.scaleplan.solvers.loading;

import dev.scaleplan.api.Checks;
import java.util.List;
import java.util.Objects;

/**
 * The hardware parameters move over: hosts with GPUs, the links between them, and a shared object store. The network
 * between hosts is taken as non-blocking (a full-bisection fabric), so the NICs are its only limits.
 *
 * <p>Bandwidths are bytes per second in each direction. A link shared by several transfers shares its bandwidth.
 *
 * <p>Parameters: a short name; the hosts, with distinct names; the object store's aggregate read bandwidth (from 1
 * byte/s to 1e15); the latency of one network or NVLink hop, at least 0 seconds.
 */
public final class Topology {
  /** Gigabits per second in bytes per second. */
  public static final double GBIT = 1e9 / 8;
  /** Gigabytes per second in bytes per second. */
  public static final double GBYTE = 1e9;

  /**
   * One host.
   *
   * @param name a unique name
   * @param gpus GPUs on the host, at least 1
   * @param nvlinkBytesPerSecond each GPU's NVLink bandwidth to the other GPUs of its host (0: none; GPU-to-GPU copies
   *     then cross PCIe)
   * @param pcieBytesPerSecond each GPU's PCIe bandwidth to host memory
   * @param nicBytesPerSecond each NIC's RDMA bandwidth
   * @param nicPerGpu one NIC per GPU (GPUDirect RDMA into the GPU) or one per host (data crosses host memory and the
   *     GPU's PCIe link)
   * @param ssdBytesPerSecond the local SSD's read bandwidth, shared by the host's GPUs
   */
  public record Host(String name, int gpus, double nvlinkBytesPerSecond, double pcieBytesPerSecond,
      double nicBytesPerSecond, boolean nicPerGpu, double ssdBytesPerSecond) {
    public Host {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("A host needs a non-blank name.");
      }
      Checks.atLeast("GPU count of host " + name, gpus, 1);
      if (gpus > 1024) {
        throw new IllegalArgumentException("The GPU count of host " + name + " (" + gpus + ") must be at most 1024.");
      }
      finite("NVLink bandwidth of host " + name, nvlinkBytesPerSecond, true);
      finite("PCIe bandwidth of host " + name, pcieBytesPerSecond, false);
      finite("NIC bandwidth of host " + name, nicBytesPerSecond, false);
      finite("SSD bandwidth of host " + name, ssdBytesPerSecond, false);
    }

    /** How many NICs the host has. */
    public int nics() {
      return nicPerGpu ? gpus : 1;
    }

    /** The NIC a GPU sends and receives through. */
    public int nicOf(int gpu) {
      return nicPerGpu ? gpu : 0;
    }
  }

  private final String name;
  private final List<Host> hosts;
  private final double objectStoreBytesPerSecond;
  private final double hopLatencySeconds;
  private final java.util.Map<String, Integer> index = new java.util.HashMap<>();

  /** A topology; see the class comment for the parameters. */
  public Topology(String name, List<Host> hosts, double objectStoreBytesPerSecond, double hopLatencySeconds) {
    this.name = Objects.requireNonNull(name, "name");
    this.hosts = List.copyOf(Objects.requireNonNull(hosts, "hosts"));
    this.objectStoreBytesPerSecond = objectStoreBytesPerSecond;
    this.hopLatencySeconds = hopLatencySeconds;
    if (this.hosts.isEmpty()) {
      throw new IllegalArgumentException("A topology needs at least one host.");
    }
    for (int i = 0; i < this.hosts.size(); i++) {
      if (index.put(this.hosts.get(i).name(), i) != null) {
        throw new IllegalArgumentException("The host name '" + this.hosts.get(i).name()
            + "' appears twice in the topology.");
      }
    }
    finite("object store bandwidth", objectStoreBytesPerSecond, false);
    Checks.nonNegative("hop latency (s)", hopLatencySeconds);
    if (!Double.isFinite(hopLatencySeconds)) {
      throw new IllegalArgumentException("The hop latency (" + hopLatencySeconds + " s) must be finite.");
    }
  }

  private static void finite(String what, double v, boolean zeroAllowed) {
    if (!Double.isFinite(v) || v < 0 || (!zeroAllowed && v < 1) || v > 1e15 || (zeroAllowed && v > 0 && v < 1)) {
      throw new IllegalArgumentException("The " + what + " (" + v + " bytes/s) must be a finite number "
          + (zeroAllowed ? "of 0 or " : "") + "from 1 to 1e15.");
    }
  }

  /** Its short name. */
  public String name() {
    return name;
  }

  /** The hosts. */
  public List<Host> hosts() {
    return hosts;
  }

  /** The object store's aggregate read bandwidth, bytes per second. */
  public double objectStoreBytesPerSecond() {
    return objectStoreBytesPerSecond;
  }

  /** The latency of one hop, seconds. */
  public double hopLatencySeconds() {
    return hopLatencySeconds;
  }

  /** The index of the host called {@code host}. */
  public int indexOf(String host) {
    Integer i = index.get(host);
    if (i == null) {
      throw new IllegalArgumentException("There is no host '" + host + "' in topology " + name + ".");
    }
    return i;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Topology t && t.name.equals(name) && t.hosts.equals(hosts)
        && t.objectStoreBytesPerSecond == objectStoreBytesPerSecond && t.hopLatencySeconds == hopLatencySeconds;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, hosts, objectStoreBytesPerSecond, hopLatencySeconds);
  }

  @Override
  public String toString() {
    return "Topology{" + name + ", " + hosts.size() + " hosts}";
  }

  /** Total GPUs. */
  public int totalGpus() {
    return hosts.stream().mapToInt(Host::gpus).sum();
  }

  /** The embedded topology called {@code name} ({@code h100} or {@code pcie}) with {@code hosts} hosts. */
  public static Topology example(String name, int hosts) {
    switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "h100":
        return h100Cluster(hosts);
      case "pcie":
        return pcieCluster(hosts);
      default:
        throw new IllegalArgumentException("There is no example topology '" + name + "'; the examples are h100 and "
            + "pcie.");
    }
  }

  /**
   * An HGX H100 cluster: {@code hosts} hosts of 8 H100 GPUs, NVLink 4 (450 GB/s per GPU and direction), PCIe Gen5
   * x16 (about 50 GB/s in practice), one 400 Gb/s RDMA NIC per GPU (GPUDirect), a 10 GB/s NVMe SSD per host, a
   * 25 GB/s object store, 5 us per hop. The shape of BlitzScale's H100 testbed (OSDI 2025, section 7); the figures
   * are the parts' nominal rates, not measurements.
   */
  public static Topology h100Cluster(int hosts) {
    Checks.atLeast("host count", hosts, 1);
    List<Host> list = java.util.stream.IntStream.range(0, hosts)
        .mapToObj(i -> new Host("h100-" + i, 8, 450 * GBYTE, 50 * GBYTE, 400 * GBIT, true, 10 * GBYTE)).toList();
    return new Topology("h100-400g", list, 25 * GBYTE, 5e-6);
  }

  /**
   * A PCIe cluster: {@code hosts} hosts of 8 GPUs without NVLink (GPU-to-GPU copies cross PCIe Gen4 x16, about
   * 25 GB/s), one 100 Gb/s NIC per host, a 3 GB/s SSD per host, a 10 GB/s object store, 10 us per hop. The shape of
   * BlitzScale's A100 PCIe testbed; nominal rates.
   */
  public static Topology pcieCluster(int hosts) {
    Checks.atLeast("host count", hosts, 1);
    List<Host> list = java.util.stream.IntStream.range(0, hosts)
        .mapToObj(i -> new Host("pcie-" + i, 8, 0, 25 * GBYTE, 100 * GBIT, false, 3 * GBYTE)).toList();
    return new Topology("pcie4-100g", list, 10 * GBYTE, 10e-6);
  }
}

package dev.scaleplan.solvers.loading;

import dev.scaleplan.api.Checks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where to put new instances, given free GPUs: locality first (hierarchical sourcing places instances where the model
 * already is; BlitzScale's NVLink fan-out makes a host with a serving GPU the cheapest to fill). Hosts are taken in
 * this order: those with a serving instance (their new GPUs load over NVLink), those holding the model in memory
 * (PCIe), those with it on SSD, then the rest; within each class, hosts with more free GPUs first, so that new
 * instances share a host and its network ingress. The fabric is non-blocking, so every other host is equally close to
 * the sources.
 */
public final class InstancePlacement {
  private InstancePlacement() {}

  /**
   * Instances of {@code parallelDegree} GPUs for {@code count} new instances.
   *
   * @param topology the hosts
   * @param freeGpus free GPU indices per host name (hosts not listed have none)
   * @param parallelDegree GPUs per instance
   * @param count how many instances
   * @param servingHosts hosts with a serving instance of the model
   * @param memoryHosts hosts holding the model in memory
   * @param ssdHosts hosts holding it on SSD
   * @throws IllegalArgumentException when the free GPUs hold fewer instances, saying how many fit
   */
  public static List<LoadRequest.Instance> choose(Topology topology, Map<String, int[]> freeGpus, int parallelDegree,
      int count, Set<String> servingHosts, Set<String> memoryHosts, Set<String> ssdHosts) {
    Objects.requireNonNull(topology, "topology");
    Objects.requireNonNull(freeGpus, "freeGpus");
    Checks.atLeast("parallel degree", parallelDegree, 1);
    Checks.atLeast("instance count", count, 1);
    List<Topology.Host> hosts = new ArrayList<>(topology.hosts());
    hosts.sort(Comparator.comparingInt((Topology.Host h) -> servingHosts.contains(h.name()) ? 0
            : memoryHosts.contains(h.name()) ? 1 : ssdHosts.contains(h.name()) ? 2 : 3)
        .thenComparingInt(h -> -free(freeGpus, h).length));
    List<LoadRequest.Instance> out = new ArrayList<>();
    int fit = 0;
    for (Topology.Host h : hosts) {
      int[] free = free(freeGpus, h);
      fit += free.length / parallelDegree;
      for (int i = 0; i + parallelDegree <= free.length && out.size() < count; i += parallelDegree) {
        out.add(new LoadRequest.Instance(h.name(), java.util.Arrays.copyOfRange(free, i, i + parallelDegree)));
      }
    }
    if (out.size() < count) {
      throw new IllegalArgumentException("Only " + fit + " new instances of " + parallelDegree + " GPUs fit the free"
          + " GPUs, not " + count + ".");
    }
    return out;
  }

  private static int[] free(Map<String, int[]> freeGpus, Topology.Host h) {
    int[] f = freeGpus.getOrDefault(h.name(), new int[0]).clone();
    java.util.Arrays.sort(f);
    for (int i = 0; i < f.length; i++) {
      if (f[i] < 0 || f[i] >= h.gpus() || i > 0 && f[i] == f[i - 1]) {
        throw new IllegalArgumentException("The free GPUs of " + h.name() + " " + java.util.Arrays.toString(f)
            + " must be distinct indices in 0.." + (h.gpus() - 1) + ".");
      }
    }
    return f;
  }
}

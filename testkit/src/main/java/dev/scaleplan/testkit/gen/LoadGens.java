package dev.scaleplan.testkit.gen;

import dev.scaleplan.solvers.loading.LoadRequest;
import dev.scaleplan.solvers.loading.Topology;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Generators of loading-planner inputs for property tests: topologies (the two embedded shapes at 2 to 8 hosts, and
 * random ones with or without NVLink, per-GPU or per-host NICs) and load requests on them, valid by construction
 * (instances on distinct GPUs, one parallel degree, at least one copy of the model).
 */
public final class LoadGens {
  private LoadGens() {}

  /** Topologies of 2 to 8 hosts: the embedded H100 and PCIe shapes, or random link rates. */
  public static Gen<Topology> topologies() {
    return (rng, size) -> {
      int hosts = 2 + rng.nextInt(7);
      switch (rng.nextInt(3)) {
        case 0:
          return Topology.h100Cluster(hosts);
        case 1:
          return Topology.pcieCluster(hosts);
        default:
          break;
      }
      int gpus = 1 << (1 + rng.nextInt(3));
      boolean perGpu = rng.nextBoolean();
      double nvlink = rng.nextBoolean() ? 0 : rng.nextDouble(50, 900) * Topology.GBYTE;
      List<Topology.Host> list = new ArrayList<>();
      for (int i = 0; i < hosts; i++) {
        list.add(new Topology.Host("r" + i, gpus, nvlink, rng.nextDouble(8, 64) * Topology.GBYTE,
            rng.nextDouble(25, 400) * Topology.GBIT, perGpu, rng.nextDouble(1, 14) * Topology.GBYTE));
      }
      return new Topology("random", list, rng.nextDouble(2, 50) * Topology.GBYTE, rng.nextDouble(0, 2e-5));
    };
  }

  /**
   * Load requests on {@link #topologies()}: parallel degree 1, 2 or 4 (within a host), 0 to 2 serving instances, 1 to
   * 12 new ones, each host holding the model in memory or on SSD with probability 1/4, the object store with
   * probability 1/2 (always when nothing else holds it), 1 to 80 layers of 1 to 21 GB in all, chunks of 1 to 128 MiB.
   */
  public static Gen<LoadRequest> requests() {
    Gen<Topology> topologies = topologies();
    return (rng, size) -> {
      Topology t = topologies.generate(rng, size);
      int minGpus = t.hosts().stream().mapToInt(Topology.Host::gpus).min().orElseThrow();
      int k = Math.min(1 << rng.nextInt(3), minGpus);
      List<LoadRequest.Instance> free = new ArrayList<>();
      for (Topology.Host h : t.hosts()) {
        for (int g = 0; g + k <= h.gpus(); g += k) {
          int[] gpus = new int[k];
          for (int i = 0; i < k; i++) {
            gpus[i] = g + i;
          }
          free.add(new LoadRequest.Instance(h.name(), gpus));
        }
      }
      Collections.shuffle(free, new java.util.Random(rng.nextLong()));
      int sources = Math.min(rng.nextInt(3), free.size() - 1);
      int targets = 1 + rng.nextInt(Math.min(12, free.size() - sources));
      Set<String> memory = new HashSet<>();
      Set<String> ssd = new HashSet<>();
      for (Topology.Host h : t.hosts()) {
        if (rng.nextInt(4) == 0) {
          memory.add(h.name());
        }
        if (rng.nextInt(4) == 0) {
          ssd.add(h.name());
        }
      }
      boolean store = sources == 0 && memory.isEmpty() && ssd.isEmpty() || rng.nextBoolean();
      long[] layers = LoadRequest.uniformLayers(1_000_000_000L + rng.nextLong(20_000_000_000L), 1 + rng.nextInt(80));
      long chunk = 1L << (20 + rng.nextInt(8));
      return new LoadRequest(t, layers, k, List.copyOf(free.subList(0, sources)), memory, ssd, store,
          List.copyOf(free.subList(sources, sources + targets)), chunk);
    };
  }
}

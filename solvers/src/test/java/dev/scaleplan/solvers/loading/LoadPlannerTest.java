package dev.scaleplan.solvers.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoadPlannerTest {
  private static final double B = 10e9; // 10 GB/s links
  private static final long S = 8_000_000_000L; // 8 GB
  private static final long CHUNK = 100_000_000L; // 100 MB

  /** Hosts of one GPU each, NIC per GPU of bandwidth B, fast NVLink and PCIe, no latency. */
  private static Topology singles(int hosts) {
    List<Topology.Host> list = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      list.add(new Topology.Host("h" + i, 1, 100e9, 100e9, B, true, 1e9));
    }
    return new Topology("singles", list, 5e9, 0);
  }

  private static LoadRequest.Instance at(String host, int... gpus) {
    return new LoadRequest.Instance(host, gpus);
  }

  @Test
  void aPipelinedChainTakesTheClosedForm() {
    // BlitzScale, section 4.2: a chain of n over equal links of bandwidth B moves S bytes in S/B + (n - 1) c/B.
    for (int n : new int[] {1, 2, 5, 16}) {
      List<LoadRequest.Instance> targets = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        targets.add(at("h" + i, 0));
      }
      LoadRequest r = new LoadRequest(singles(n + 1), new long[] {S}, 1, List.of(at("h0", 0)), Set.of(), Set.of(),
          false, targets, CHUNK);
      LoadPlan p = LoadPlanner.plan(r);
      assertEquals(S / B + (n - 1) * CHUNK / B, p.makespanSeconds(), 1e-9, "n = " + n);
      assertEquals(S / B, p.lowerBoundSeconds(), 1e-12);
    }
  }

  @Test
  void oneSourcePerTargetTakesSOverB() {
    int n = 6;
    List<LoadRequest.Instance> sources = new ArrayList<>();
    List<LoadRequest.Instance> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sources.add(at("h" + i, 0));
      targets.add(at("h" + (n + i), 0));
    }
    LoadRequest r = new LoadRequest(singles(2 * n), new long[] {S}, 1, sources, Set.of(), Set.of(), false, targets,
        CHUNK);
    LoadPlan p = LoadPlanner.plan(r);
    assertEquals(S / B, p.makespanSeconds(), 1e-9);
    assertEquals(1.0, p.ratioToLowerBound(), 1e-12);
  }

  @Test
  void baselinesOnAnH100ClusterAreOrderedAsExpected() {
    // 70 GB of weights (Llama-2-70B in 8 bits... or half of it in FP16), TP 8, one serving instance, 4 new ones.
    Topology t = Topology.h100Cluster(5);
    long[] layers = LoadRequest.uniformLayers(70_000_000_000L, 80);
    List<LoadRequest.Instance> targets = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      targets.add(at("h100-" + i, 0, 1, 2, 3, 4, 5, 6, 7));
    }
    LoadRequest r = new LoadRequest(t, layers, 8, List.of(at("h100-0", 0, 1, 2, 3, 4, 5, 6, 7)), Set.of(),
        Set.of(), true, targets, LoadRequest.DEFAULT_CHUNK);
    List<LoadPlan> all = LoadPlanner.compare(r);
    LoadPlan multicast = all.get(0);
    LoadPlan store = all.get(1);
    // By hand: a shard is 70 GB / 8 = 8.75 GB; each of the 8 shard chains runs through 4 hosts at 50 GB/s (one NIC
    // per GPU, none shared): 8.75e9 / 50e9 + 3 x 16 MiB / 50e9 = 0.175 + 0.001 s, plus 4 hops of 5 us.
    double expected = 8.75e9 / 50e9 + 3 * (16.0 * (1 << 20)) / 50e9 + 4 * 5e-6;
    assertEquals(expected, multicast.makespanSeconds(), 1e-6);
    // The object store's 25 GB/s is shared by 32 GPUs: 8.75e9 / (25e9 / 32) = 11.2 s.
    assertEquals(8.75e9 / (25e9 / 32) + 5e-6, store.makespanSeconds(), 1e-6);
    assertTrue(multicast.ratioToLowerBound() < 1.1, "within 10% of the bound: " + multicast.ratioToLowerBound());
  }

  @Test
  void layersBecomeResidentInOrderAndNeverAfterTheInstanceIsDone() {
    Topology t = Topology.pcieCluster(4);
    long[] layers = LoadRequest.uniformLayers(14_000_000_000L, 40);
    LoadRequest r = new LoadRequest(t, layers, 2, List.of(at("pcie-0", 0, 1)), Set.of("pcie-2"), Set.of(), true,
        List.of(at("pcie-1", 0, 1), at("pcie-2", 2, 3), at("pcie-3", 4, 5)), LoadRequest.DEFAULT_CHUNK);
    for (LoadPlan p : LoadPlanner.compare(r)) {
      for (LoadPlan.InstanceLoad i : p.instances()) {
        double[] ready = i.layerReadySeconds();
        for (int l = 1; l < ready.length; l++) {
          assertTrue(ready[l] >= ready[l - 1], p.strategy() + " layer " + l);
        }
        assertEquals(i.doneSeconds(), ready[ready.length - 1], 0);
      }
    }
  }

  @Test
  void badRequestsNameTheProblem() {
    Topology t = singles(3);
    var e = assertThrows(IllegalArgumentException.class, () -> new LoadRequest(t, new long[] {S}, 1, List.of(),
        Set.of(), Set.of(), false, List.of(at("h1", 0)), CHUNK));
    assertTrue(e.getMessage().contains("No copy"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new LoadRequest(t, new long[] {S}, 1,
        List.of(at("h0", 0)), Set.of(), Set.of(), false, List.of(at("h0", 0)), CHUNK));
    assertTrue(e.getMessage().contains("two instances"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new LoadRequest(t, new long[] {S}, 2,
        List.of(at("h0", 0)), Set.of(), Set.of(), false, List.of(at("h1", 0)), CHUNK));
    assertTrue(e.getMessage().contains("parallel degree"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new LoadRequest(t, new long[] {S}, 1,
        List.of(at("h9", 0)), Set.of(), Set.of(), false, List.of(at("h1", 0)), CHUNK));
    assertTrue(e.getMessage().contains("no host 'h9'"), e.getMessage());
  }

  @Test
  void aHostsOwnCopyNeverTravelsThroughItsOwnNic() {
    // Review repro: memory on host a only, PCIe (20 GB/s) slower than a's NICs (50 GB/s), target on a itself. The
    // model cannot come from anywhere but a's memory over PCIe: 8 GB per GPU / 20 GB/s = 0.4 s, the bound.
    Topology t = new Topology("two", List.of(new Topology.Host("a", 2, 450e9, 20e9, 50e9, true, 1e9),
        new Topology.Host("b", 2, 450e9, 20e9, 50e9, true, 1e9)), 25e9, 0);
    LoadRequest r = new LoadRequest(t, LoadRequest.uniformLayers(16_000_000_000L, 4), 2, List.of(), Set.of("a"),
        Set.of(), false, List.of(at("a", 0, 1)), CHUNK);
    LoadPlan p = LoadPlanner.plan(r);
    assertEquals(0.4, p.lowerBoundSeconds(), 1e-12);
    assertTrue(p.makespanSeconds() >= p.lowerBoundSeconds() * (1 - 1e-12), p.makespanSeconds() + "");
    assertTrue(p.gpus().stream().allMatch(g -> g.tier() == LoadPlan.Tier.HOST_MEMORY), p.gpus().toString());
  }

  @Test
  void remoteSsdCopiesCountInTheBound() {
    // Review repro: SSDs on a (10 GB/s) and t (1 GB/s), target on t: a's SSD over the network is the fastest path,
    // 16 GB / 10 GB/s = 1.6 s, and the plan reaches it.
    Topology t = new Topology("ssd", List.of(new Topology.Host("a", 1, 0, 50e9, 50e9, true, 10e9),
        new Topology.Host("t", 1, 0, 50e9, 50e9, true, 1e9)), 25e9, 0);
    LoadRequest r = new LoadRequest(t, new long[] {16_000_000_000L}, 1, List.of(), Set.of(), Set.of("a", "t"), false,
        List.of(at("t", 0)), CHUNK);
    LoadPlan p = LoadPlanner.plan(r);
    assertEquals(1.6, p.lowerBoundSeconds(), 1e-12);
    assertEquals(1.6, p.makespanSeconds(), 1e-9);
  }

  @Test
  void absurdInputsAreRefusedAndLargeOnesStayFast() {
    assertThrows(IllegalArgumentException.class, () -> new Topology("slow", List.of(
        new Topology.Host("a", 2, 0, 25e9, 12.5e9, false, 3e9)), 1e-311, 0));
    assertThrows(IllegalArgumentException.class, () -> new LoadRequest(singles(2),
        new long[] {9_000_000_000_000_000_000L, 9_000_000_000_000_000_000L}, 1, List.of(at("h0", 0)), Set.of(),
        Set.of(), false, List.of(at("h1", 0)), CHUNK));
    // 20,000 layers used to take 31 s (a quadratic prefix sum); now well under a second.
    long start = System.nanoTime();
    LoadRequest many = new LoadRequest(Topology.h100Cluster(3), LoadRequest.uniformLayers(140_000_000_000L, 20_000),
        8, List.of(at("h100-0", 0, 1, 2, 3, 4, 5, 6, 7)), Set.of(), Set.of(), true,
        List.of(at("h100-1", 0, 1, 2, 3, 4, 5, 6, 7), at("h100-2", 0, 1, 2, 3, 4, 5, 6, 7)), CHUNK);
    LoadPlanner.compare(many);
    assertTrue(System.nanoTime() - start < 5e9, "20,000 layers took " + (System.nanoTime() - start) / 1e9 + " s");
  }
}

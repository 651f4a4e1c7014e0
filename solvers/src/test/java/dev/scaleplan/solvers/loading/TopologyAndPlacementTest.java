package dev.scaleplan.solvers.loading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopologyAndPlacementTest {
  @Test
  void topologiesSurviveAJsonRoundTrip() {
    for (Topology t : List.of(Topology.h100Cluster(3), Topology.pcieCluster(2))) {
      Topology back = TopologyJson.parse(TopologyJson.write(t), "round trip");
      assertEquals(t.name(), back.name());
      assertEquals(t.hosts().size(), back.hosts().size());
      for (int i = 0; i < t.hosts().size(); i++) {
        Topology.Host a = t.hosts().get(i);
        Topology.Host b = back.hosts().get(i);
        assertEquals(a.name(), b.name());
        assertEquals(a.nicBytesPerSecond(), b.nicBytesPerSecond(), a.nicBytesPerSecond() * 1e-12);
        assertEquals(a.nvlinkBytesPerSecond(), b.nvlinkBytesPerSecond(), 1e-3);
        assertEquals(a.nicPerGpu(), b.nicPerGpu());
      }
      assertEquals(t.objectStoreBytesPerSecond(), back.objectStoreBytesPerSecond(), 1e-3);
    }
  }

  @Test
  void hostGroupsExpandAndUnitsConvert() {
    Topology t = TopologyJson.parse("{\"objectStoreGBps\": 5, \"hosts\": [{\"prefix\": \"a\", \"count\": 3, "
        + "\"gpus\": 4, \"pcieGBps\": 25, \"nicGbps\": 100, \"ssdGBps\": 2}]}", "inline");
    assertEquals(3, t.hosts().size());
    assertEquals("a-2", t.hosts().get(2).name());
    assertEquals(12.5e9, t.hosts().get(0).nicBytesPerSecond(), 1e-3); // 100 Gb/s = 12.5 GB/s
    assertEquals(0, t.hosts().get(0).nvlinkBytesPerSecond(), 0);
    assertTrue(!t.hosts().get(0).nicPerGpu());
  }

  @Test
  void malformedTopologiesNameTheField() {
    String[][] cases = {
        {"{\"hosts\": []}", "objectStoreGBps"},
        {"{\"objectStoreGBps\": 5, \"hosts\": []}", "hosts must be"},
        {"{\"objectStoreGBps\": 5, \"hosts\": [{\"name\": \"a\", \"gpus\": 0, \"pcieGBps\": 1, \"nicGbps\": 1,"
            + " \"ssdGBps\": 1}]}", "hosts[0].gpus"},
        {"{\"objectStoreGBps\": 5, \"hosts\": [{\"name\": \"a\", \"gpus\": 2, \"pcieGBps\": -1, \"nicGbps\": 1,"
            + " \"ssdGBps\": 1}]}", "hosts[0].pcieGBps"},
        {"{\"objectStoreGBps\": 5, \"typo\": 1, \"hosts\": []}", "unknown field typo"},
        {"{\"objectStoreGBps\": 5, \"hosts\": [", "not valid JSON"},
    };
    for (String[] c : cases) {
      var e = assertThrows(IllegalArgumentException.class, () -> TopologyJson.parse(c[0], "t.json"));
      assertTrue(e.getMessage().contains(c[1]) && e.getMessage().startsWith("t.json"), e.getMessage());
    }
  }

  @Test
  void placementPrefersHostsThatHoldTheModel() {
    Topology t = Topology.h100Cluster(4);
    Map<String, int[]> free = new LinkedHashMap<>();
    free.put("h100-0", new int[] {4, 5, 6, 7}); // serving instance on 0-3
    free.put("h100-1", new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    free.put("h100-2", new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    free.put("h100-3", new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    List<LoadRequest.Instance> p = InstancePlacement.choose(t, free, 4, 3, Set.of("h100-0"), Set.of("h100-3"),
        Set.of());
    // First the serving host's free half, then the memory host (two instances fit there).
    assertEquals("h100-0", p.get(0).host());
    assertEquals("h100-3", p.get(1).host());
    assertEquals("h100-3", p.get(2).host());
    var e = assertThrows(IllegalArgumentException.class,
        () -> InstancePlacement.choose(t, free, 4, 8, Set.of(), Set.of(), Set.of()));
    assertTrue(e.getMessage().contains("Only 7"), e.getMessage());
  }

  @Test
  void aLocalServingGpuFeedsItsHostOverNvlink() {
    // Serving instance on GPUs 0-3 of h100-0, a new one on 4-7 of the same host: NVLink (450 GB/s) feeds it, so a
    // shard of 140 GB / 4 = 35 GB takes 35e9 / 450e9 = 77.8 ms (+ one 5 us hop).
    Topology t = Topology.h100Cluster(2);
    LoadRequest r = new LoadRequest(t, LoadRequest.uniformLayers(140_000_000_000L, 80), 4,
        List.of(new LoadRequest.Instance("h100-0", new int[] {0, 1, 2, 3})), Set.of(), Set.of(), true,
        List.of(new LoadRequest.Instance("h100-0", new int[] {4, 5, 6, 7})), LoadRequest.DEFAULT_CHUNK);
    LoadPlan p = LoadPlanner.plan(r);
    assertEquals(35e9 / 450e9 + 5e-6, p.makespanSeconds(), 1e-9);
    assertTrue(p.gpus().stream().allMatch(g -> g.tier() == LoadPlan.Tier.GPU && g.path().size() == 2));
  }
}

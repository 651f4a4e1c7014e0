package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadCommandTest {
  @TempDir Path dir;

  @Test
  void theDefaultLoadIsNearItsLowerBoundAndFarAheadOfTheStore() throws IOException {
    PlanCommandTest.Result r = PlanCommandTest.run("load", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    // By hand: 140 GB at TP 8 is 17.5 GB per GPU; each GPU's 400 Gb/s NIC (50 GB/s) gives 0.35 s, the bound.
    assertEquals(0.35, j.get("lowerBound").asDouble(), 1e-9);
    assertTrue(j.get("makespan").asDouble() >= 0.35);
    assertTrue(j.get("ratioToLowerBound").asDouble() < 1.1, r.out());
    // The object store's 25 GB/s shared by 32 GPUs: 17.5e9 / (25e9 / 32) = 22.4 s (+ one hop).
    assertEquals(22.4, j.get("baselines").get("object-store").get("makespan").asDouble(), 1e-3);
    assertEquals(4, j.get("instances").size());
    for (JsonNode l : j.get("links")) {
      assertTrue(l.get("rateBytesPerSecond").asDouble() <= l.get("capacityBytesPerSecond").asDouble() * (1 + 1e-9));
    }
  }

  @Test
  void theTableShowsTheBaselines() {
    PlanCommandTest.Result r = PlanCommandTest.run("load", "--example", "pcie", "--targets", "2", "--tp", "2");
    assertEquals(0, r.status(), r.err());
    for (String s : new String[] {"multicast", "object-store", "host-cache", "fastest-tier", "lower bound"}) {
      assertTrue(r.out().contains(s), r.out());
    }
  }

  @Test
  void topologyFilesAndBadArgumentsAreHandled() throws IOException {
    Path topo = dir.resolve("t.json");
    Files.writeString(topo, "{\"objectStoreGBps\": 10, \"hosts\": [{\"prefix\": \"a\", \"count\": 3, \"gpus\": 2,"
        + " \"pcieGBps\": 25, \"nicGbps\": 100, \"ssdGBps\": 2}]}");
    PlanCommandTest.Result ok = PlanCommandTest.run("load", "--topology", topo.toString(), "--tp", "2",
        "--targets", "2", "--model-bytes", "16GB", "--sources", "memory@a-0,store");
    assertEquals(0, ok.status(), ok.err());
    String[][] bad = {
        {"load", "--targets", "0"},
        {"load", "--tp", "3", "--targets", "40"},
        {"load", "--sources", "gpu@h100-0"},
        {"load", "--sources", "memory@nowhere"},
        {"load", "--model-bytes", "lots"},
        {"load", "--example", "tpu"},
        {"load", "--topology", dir.resolve("missing.json").toString()},
        {"load", "--topology", topo.toString(), "--example", "h100"},
        {"load", "--chunk", "0"},
    };
    for (String[] args : bad) {
      PlanCommandTest.Result r = PlanCommandTest.run(args);
      assertEquals(2, r.status(), String.join(" ", args) + ": " + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }
}

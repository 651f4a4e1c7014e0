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

class OffloadCommandTest {
  @TempDir Path dir;

  @Test
  void theDefaultTimelineRampsUpAndServesMoreEarlier() throws IOException {
    Path svg = dir.resolve("t.svg");
    PlanCommandTest.Result r = PlanCommandTest.run("offload", "--json", "--plot", svg.toString());
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    // By hand from the embedded profile: 4 x 512 = 2,048 tokens take 4.20205 ms per layer, 32 layers 134.47 ms,
    // so one instance serves 4 / 0.13447 = 29.75 requests/s.
    assertEquals(4 / (32 * 4.20205e-3), j.get("aloneThroughput").asDouble(), 1e-6);
    assertTrue(j.get("extraRequests").asDouble() > 0);
    double last = 0;
    for (JsonNode p : j.get("timeline")) {
      assertTrue(p.get("withOffload").asDouble() >= p.get("withoutOffload").asDouble() - 1e-9);
      assertTrue(p.get("withOffload").asDouble() >= last - 1e-9, "layers only arrive, so throughput only grows");
      last = p.get("withOffload").asDouble();
    }
    assertTrue(Files.readString(svg).startsWith("<svg"));
  }

  @Test
  void aTightSloOrASlowLinkKeepsTheOldInstanceAlone() throws IOException {
    // 8 MB of activations per token over 12.5 GB/s: 4 x 512 x 8 MB / 12.5 GB/s = 1.3 s per transfer, far above the
    // 134 ms of a whole batch, so no split helps.
    JsonNode j = new ObjectMapper().readTree(PlanCommandTest.run("offload", "--activation-bytes", "8000000",
        "--json").out());
    assertEquals(0, j.get("extraRequests").asDouble(), 0);
    JsonNode k = new ObjectMapper().readTree(PlanCommandTest.run("offload", "--slo-target", "100ms", "--json").out());
    assertEquals(0, k.get("extraRequests").asDouble(), 0); // every split's batch takes at least the 134 ms of one
  }

  @Test
  void aDemandIsCoveredEarlierWithOffload() throws IOException {
    // One instance serves 29.75/s; 45/s needs about half the layers on the new instance (the 10 | 22 split serves
    // 45.3/s), long before the load completes, when two instances serve 59.5/s.
    JsonNode j = new ObjectMapper().readTree(PlanCommandTest.run("offload", "--rate", "45", "--json").out());
    double with = j.get("coveredWithOffloadSeconds").asDouble();
    double without = j.get("coveredWithoutOffloadSeconds").asDouble();
    assertEquals(j.get("completeSeconds").asDouble(), without, 1e-12);
    assertTrue(with < without / 2, with + " vs " + without);
  }

  @Test
  void badArgumentsAreOneLine() {
    String[][] bad = {{"offload", "--layers", "0"}, {"offload", "--tokens", "100000"}, {"offload", "--gpu", "TPU"},
        {"offload", "--topology-example", "tpu"}, {"offload", "--targets", "0"}, {"offload", "--rate", "-1"},
        {"offload", "--slo-percentile", "100"}, {"offload", "--slo-target", "-1s"},
        {"offload", "--activation-bytes", "18014398509481984", "--tokens", "1024"},
        {"offload", "--layers", "10000", "--targets", "64"}};
    for (String[] args : bad) {
      PlanCommandTest.Result r = PlanCommandTest.run(args);
      assertEquals(2, r.status(), String.join(" ", args) + ": " + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
  }
}

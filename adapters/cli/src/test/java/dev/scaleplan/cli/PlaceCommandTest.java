package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaceCommandTest {
  @TempDir Path dir;

  @Test
  void theDefaultPlacesTheEmbeddedModelsWithinTheirSlos() throws IOException {
    PlanCommandTest.Result r = PlanCommandTest.run("place", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("feasible").asBoolean());
    assertEquals(100, j.get("models").size());
    long used = j.get("gpusUsed").asLong();
    assertTrue(used >= j.get("lowerBound").asLong());
    // Whole GPUs only needs one GPU per model at least: sharing must save most of them.
    assertTrue(j.get("dedicatedOnlyGpus").asLong() >= 100);
    assertTrue(used * 4 < j.get("dedicatedOnlyGpus").asLong(), r.out());
    for (JsonNode m : j.get("models")) {
      assertTrue(m.get("meetsSlo").asBoolean(), m.toString());
      assertTrue(m.get("predictedSeconds").asDouble() <= m.get("sloSeconds").asDouble() * (1 + 1e-6), m.toString());
    }
  }

  @Test
  void theIlpIsNoWorseThanTheHeuristicOnTheModelsFile() throws IOException {
    PlanCommandTest.Result r = PlanCommandTest.run("place", "--models", "../../docs/examples/models.json",
        "--cluster", "../../docs/examples/cluster.json", "--solver", "ilp", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("gpusUsed").asLong() <= j.get("greedyGpus").asLong());
    assertEquals("optimal", j.get("status").asText());
    // The idle model needs no GPU.
    assertTrue(j.get("models").get(5).get("group").isNull());
  }

  @Test
  void aSwappingTierServesTheColdModelsOnFewerGpus() throws IOException {
    // The README's worked example: 100 models at 200 req/s on 128 T4s.
    PlanCommandTest.Result r = PlanCommandTest.run("place", "--total-rate", "200", "--cluster",
        "../../docs/examples/t4-cluster.json", "--swap-group", "t4", "--interference", "1.2", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    JsonNode s = j.get("swapping");
    assertTrue(s.get("feasible").asBoolean());
    assertEquals(j.get("greedyGpus").asLong(), s.get("placementOnlyGpus").asLong());
    assertTrue(s.get("totalGpus").asLong() < s.get("placementOnlyGpus").asLong(), s.toString());
    assertEquals(s.get("totalGpus").asLong(), s.get("tierGpus").asLong() + s.get("placedGpus").asLong());
    assertTrue(s.get("models").size() > 0);
    for (JsonNode m : s.get("models")) {
      assertTrue(m.get("meetsSlo").asBoolean(), m.toString());
    }
    r = PlanCommandTest.run("place", "--total-rate", "200", "--cluster", "../../docs/examples/t4-cluster.json",
        "--swap-group", "t4");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("With a swapping tier on t4") && r.out().contains("coldest models on"), r.out());
  }

  @Test
  void aBadSwappingTierIsOneLineAndStatusTwo() {
    PlanCommandTest.Result r = PlanCommandTest.run("place", "--swap-group", "h100");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("no GPU group 'h100'") && r.err().strip().lines().count() == 1, r.err());
    r = PlanCommandTest.run("place", "--swap-group", "t4", "--interference", "0.5");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("interference factor (0.5)"), r.err());
    r = PlanCommandTest.run("place", "--swap-group", "t4", "--host-to-gpu", "0");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("bandwidth"), r.err());
  }

  @Test
  void tooFewGpusIsAnAnswerWithStatusOne() {
    PlanCommandTest.Result r = PlanCommandTest.run("place", "--count", "5", "--total-rate", "1e7");
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.out().contains("No placement (infeasible)") && r.out().contains("GPUs"), r.out());
  }

  @Test
  void badFilesGiveOneLineAndStatusTwo() throws IOException {
    Path models = dir.resolve("m.json");
    Files.writeString(models, "{\"models\": [{\"name\": \"a\", \"example\": \"resnet50\", \"rate\": -1, "
        + "\"sloSeconds\": 0.05, \"memory\": \"1GiB\"}]}");
    PlanCommandTest.Result r = PlanCommandTest.run("place", "--models", models.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("models[0].rate") && r.err().strip().lines().count() == 1, r.err());
    Files.writeString(models, "{\"models\": [{\"name\": \"a\", \"example\": \"resnet50\", \"rate\": 1, "
        + "\"sloSeconds\": 0.05, \"memory\": \"1GiB\", \"colour\": 1}]}");
    r = PlanCommandTest.run("place", "--models", models.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("unknown field models[0].colour"), r.err());
    Path cluster = dir.resolve("c.json");
    Files.writeString(cluster, "{\"hosts\": [{\"name\": \"h\", \"gpuType\": \"X9\", \"gpus\": 2}]}");
    r = PlanCommandTest.run("place", "--cluster", cluster.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("memory of a X9 GPU is not known"), r.err());
    r = PlanCommandTest.run("place", "--example", "nope");
    assertEquals(2, r.status());
    assertFalse(r.err().contains("Exception"), r.err());
  }
}

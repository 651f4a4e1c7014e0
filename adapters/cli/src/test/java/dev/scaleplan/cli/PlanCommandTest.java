package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
  @TempDir Path dir;

  record Result(int status, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(status, out.toString(), err.toString());
  }

  static Path examples() {
    Path root = Path.of("").toAbsolutePath();
    while (!Files.exists(root.resolve("docs/examples/cluster.json"))) {
      root = root.getParent();
    }
    return root.resolve("docs/examples");
  }

  @Test
  void theDefaultPlanIsFeasibleAndEveryInstanceMeetsTheSlo() throws IOException {
    Result r = run("plan", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertTrue(j.get("feasible").asBoolean());
    assertEquals(10_000, j.get("rate").asDouble(), 0);
    // By hand from the capacities printed with it: A100 at B32 serves the most per GPU (2,682.68 req/s under p99 <=
    // 25 ms, against 1,679.73 for V100, 1,670.22 for A40, 806.89 for T4), and 10,000 / 2,682.68 = 3.73, so 4 GPUs.
    assertEquals(4, j.get("totalCost").asDouble(), 0);
    double capacity = 0;
    for (JsonNode i : j.get("instances")) {
      assertTrue(i.get("meetsSlo").asBoolean(), i.toString());
      assertTrue(i.get("predictedSeconds").asDouble() <= 0.025);
      capacity += i.get("count").asInt() * i.get("capacity").asDouble();
    }
    assertTrue(capacity >= 10_000);
  }

  @Test
  void theTableNamesTheSolverAndTheCost() {
    Result r = run("plan", "--gpu-type", "A100-80GB", "--rate", "5000", "--example", "resnet50");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("solver dp: optimal"), r.out());
    assertTrue(r.out().contains("total cost 2 GPUs"), r.out()); // 5,000 / 2,682.68 = 1.86 -> 2 GPUs
  }

  @Test
  void infeasiblePlansExitOneWithTheReason() {
    Result tight = run("plan", "--slo-target", "1ms");
    assertEquals(1, tight.status());
    assertTrue(tight.out().contains("Even with no queueing"), tight.out());
    Result rate = run("plan", "--rate", "0");
    assertEquals(1, rate.status());
    assertTrue(rate.out().contains("must be a finite number above 0"), rate.out());
    Result small = run("plan", "--gpus", "2");
    assertEquals(1, small.status());
    assertTrue(small.out().contains("budget of 2 GPUs"), small.out());
    Result cluster = run("plan", "--rate", "1e6", "--cluster", examples().resolve("cluster.json").toString());
    assertEquals(1, cluster.status());
    assertTrue(cluster.out().contains("cluster is too small"), cluster.out());
  }

  @Test
  void theIlpPlacesInstancesOnTheClustersHostsAtLeastAsDearlyAsTheDp() throws IOException {
    String cluster = examples().resolve("cluster.json").toString();
    JsonNode ilp = new ObjectMapper().readTree(run("plan", "--rate", "40000", "--cluster", cluster, "--json").out());
    JsonNode dp = new ObjectMapper().readTree(
        run("plan", "--rate", "40000", "--cluster", cluster, "--solver", "dp", "--json").out());
    assertEquals("ilp (CP-SAT)", ilp.get("solver").asText());
    assertEquals("optimal", ilp.get("status").asText());
    assertTrue(ilp.get("totalCost").asDouble() >= dp.get("totalCost").asDouble() - 1e-9);
    for (JsonNode i : ilp.get("instances")) {
      assertFalse(i.get("host").isNull());
      assertTrue(i.get("meetsSlo").asBoolean());
    }
  }

  @Test
  void aTransitionListsTimedActionsThatCoverTheRate() throws IOException {
    Result r = run("plan", "--rate", "40000", "--cluster", examples().resolve("cluster.json").toString(),
        "--current", examples().resolve("current.json").toString(), "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode t = new ObjectMapper().readTree(r.out()).get("transition");
    assertTrue(t.get("covers").asBoolean());
    JsonNode surge = t.get("surge");
    // The current file says vertical steps take 2 s and horizontal ones 20 s; grows come first.
    assertEquals("grow", surge.get("actions").get(0).get("kind").asText());
    assertEquals(2, surge.get("actions").get(0).get("readySeconds").asDouble(), 0);
    assertTrue(surge.get("capacityAfter").asDouble() >= 40_000);
    assertTrue(surge.get("excessRequests").asDouble() > 0);
  }

  @Test
  void badArgumentsAndFilesAreOneLineErrorsWithStatusTwo() throws IOException {
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"hosts\": [{\"name\": \"a\", \"gpuType\": \"A100-80GB\", \"gpus\": -1}]}");
    Path unknown = dir.resolve("unknown.json");
    Files.writeString(unknown, "{\"hosts\": [{\"name\": \"a\", \"gpuType\": \"A100-80GB\", \"gpus\": 8}], \"x\": 1}");
    Path notJson = dir.resolve("not.json");
    Files.writeString(notJson, "{\"hosts\": [");
    String[][] cases = {
        {"plan", "--solver", "ilp"},
        {"plan", "--solver", "magic"},
        {"plan", "--profile", "nope.csv", "--rate", "1"},
        {"plan", "--example", "resnet50"},
        {"plan", "--cluster", broken.toString()},
        {"plan", "--cluster", unknown.toString()},
        {"plan", "--cluster", notJson.toString()},
        {"plan", "--gpus", "4", "--cluster", examples().resolve("cluster.json").toString()},
        {"plan", "--headroom", "0.5"},
        {"plan", "--replicas", "0"},
        {"plan", "--rate", "abc"},
    };
    for (String[] args : cases) {
      Result r = run(args);
      assertEquals(2, r.status(), String.join(" ", args) + "\n" + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().startsWith("scaleplan plan: "), r.err());
    }
    assertTrue(run("plan", "--cluster", broken.toString()).err().contains("hosts[0].gpus"));
  }
}

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

class SimulateCommandTest {
  @TempDir Path dir;

  @Test
  void everyPolicyOnTheSameArrivalsWithFilesAndCharts() throws IOException {
    PlanCommandTest.Result r = PlanCommandTest.run("simulate", "--example", "azure-llm-conv", "--rate-scale", "50",
        "--load-time", "5s", "--json", "--out", dir.toString());
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    JsonNode p = j.get("policies");
    assertEquals(7, p.size());  // the default policies
    long requests = p.get(0).get("requests").asLong();
    // The conv trace's 19,366 requests at 50 times the rate: about 968,300 (random rounding per 1 s bin).
    assertEquals(968_300, requests, 3600);
    for (JsonNode x : p) {
      assertEquals(requests, x.get("requests").asLong(), x.get("policy").asText());
      double a = x.get("attainment").asDouble();
      assertTrue(a >= 0 && a <= 1);
      assertTrue(x.get("gpuSeconds").asDouble() > 0);
    }
    for (String f : new String[] {"summary.csv", "timeline-fixed.csv", "timeline-scaleplan-capacity.csv",
        "latency-p99.svg", "instances.svg", "capacity-vs-demand.svg"}) {
      assertTrue(Files.size(dir.resolve(f)) > 100, f);
    }
    assertEquals(8, Files.readAllLines(dir.resolve("summary.csv")).size());
  }

  @Test
  void theControllerForecastsTheDiurnalExample() {
    // Six 600 s days with 60 s loads: with the forecast (one 10 s bucket a day of 60) the controller starts ahead of
    // each morning and misses fewer requests than without it (measured: 18,706 vs 236,892 of 9.0 million).
    PlanCommandTest.Result r = PlanCommandTest.run("simulate", "--example", "diurnal", "--rate-scale", "100",
        "--season", "600s", "--forecast-bucket", "10s", "--load-time", "60s", "--json", "--policies",
        "scaleplan-autoscaler-nopanic,scaleplan-autoscaler-reactive");
    assertEquals(0, r.status(), r.err());
    com.fasterxml.jackson.databind.JsonNode p;
    try {
      p = new ObjectMapper().readTree(r.out()).get("policies");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals("scaleplan-autoscaler-nopanic", p.get(0).get("policy").asText());
    long forecast = p.get(0).get("violations").asLong();
    long reactive = p.get(1).get("violations").asLong();
    assertTrue(forecast < reactive, forecast + " vs " + reactive);
    PlanCommandTest.Result bad = PlanCommandTest.run("simulate", "--example", "diurnal", "--season", "10s",
        "--policies", "scaleplan-autoscaler");
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("season"), bad.err());
  }

  @Test
  void aTableByDefault() {
    PlanCommandTest.Result r = PlanCommandTest.run("simulate", "--example", "poisson", "--rate-scale", "100",
        "--policies", "fixed,scaleplan-capacity");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("attainment") && r.out().contains("scaleplan-capacity"), r.out());
    // 2.5/s x 100 = 250/s on one A100: one instance is plenty, so the fixed policy meets the SLO.
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("fixed ") && l.contains("1.0000")), r.out());
  }

  @Test
  void replicationsAndLoadSources() throws IOException {
    PlanCommandTest.Result r = PlanCommandTest.run("simulate", "--example", "bursty", "--rate-scale", "200",
        "--policies", "scaleplan-capacity", "--replications", "3", "--load-from", "all", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    JsonNode load = j.get("loadSeconds");
    assertEquals(4, load.size());
    // Multicast from a serving GPU never loads slower than reading the object store (the planner keeps the faster).
    assertTrue(load.get("multicast").asDouble() <= load.get("object-store").asDouble(), load.toString());
    JsonNode p = j.get("policies");
    assertEquals(4, p.size());
    for (JsonNode x : p) {
      double hw = x.get("attainmentHalfWidth").asDouble();
      assertTrue(hw >= 0 && hw < 0.5, x.toString());
      assertTrue(x.get("p99HalfWidth").asDouble() >= 0, x.toString());
    }
    assertEquals(3, j.get("replications").asInt());
  }

  @Test
  void theJointFamilyRunsWithResizes() throws IOException {
    PlanCommandTest.Result r = PlanCommandTest.run("simulate", "--example", "bursty", "--rate-scale", "2000",
        "--policies", "horizontal-only,vertical-only,scaleplan-two-stage", "--resize-time", "0.5s", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode p = new ObjectMapper().readTree(r.out()).get("policies");
    assertEquals(3, p.size());
    // Vertical-only never starts an instance; the others do on bursts of 15/s x 2000 = 30,000/s.
    assertEquals(0, p.get(1).get("scaleUps").asLong());
    assertTrue(p.get(0).get("scaleUps").asLong() > 0 && p.get(2).get("scaleUps").asLong() > 0, p.toString());
  }

  @Test
  void liveOffloadServesWhileLoading() throws IOException {
    // The same bursts; with live scaling a loading instance already serves part of its throughput (the offload
    // planner's ramp), so the tail can only get shorter.
    String[] base = {"simulate", "--example", "bursty", "--rate-scale", "2000", "--policies", "scaleplan-capacity",
        "--json"};
    JsonNode without = new ObjectMapper().readTree(PlanCommandTest.run(base).out()).get("policies").get(0);
    String[] live = java.util.Arrays.copyOf(base, base.length + 1);
    live[base.length] = "--live-offload";
    PlanCommandTest.Result r = PlanCommandTest.run(live);
    assertEquals(0, r.status(), r.err());
    JsonNode with = new ObjectMapper().readTree(r.out()).get("policies").get(0);
    assertTrue(with.get("p99Seconds").asDouble() < without.get("p99Seconds").asDouble(), with + " vs " + without);
    assertTrue(with.get("attainment").asDouble() >= without.get("attainment").asDouble(), with + " vs " + without);
  }

  @Test
  void everyHelpRendersWithoutWarnings() {
    // picocli warns on stderr (and prints raw text) when a description has an unescaped '%'.
    for (String command : new String[] {"plan", "load", "offload", "place", "simulate", "queue", "profile"}) {
      PlanCommandTest.Result r = PlanCommandTest.run(command, "--help");
      assertEquals(0, r.status(), command);
      assertTrue(r.err().isEmpty(), command + ": " + r.err());
    }
  }

  @Test
  void badInputIsOneLineAndStatusTwo() throws IOException {
    assertBad("no policy 'hpa'", "simulate", "--policies", "fixed,hpa");
    assertBad("--trace needs --format", "simulate", "--trace", "x.csv");
    assertBad("no example 'weekly'", "simulate", "--example", "weekly");
    assertBad("no GPU type 'H200'", "simulate", "--gpu-type", "H200");
    assertBad("no load source 'nfs'", "simulate", "--load-from", "nfs");
    assertBad("--replications (0)", "simulate", "--replications", "0");
    assertBad("--hosts (0)", "simulate", "--hosts", "0");
    assertBad("do not fit the hosts", "simulate", "--hosts", "1", "--gpus-per-host", "1", "--initial", "2");
    Path bad = dir.resolve("t.csv");
    Files.writeString(bad, "time\n1\n2\nthree\n");
    assertBad("t.csv, line 4", "simulate", "--trace", bad.toString(), "--format", "timestamps");
    assertBad("Cannot read the trace", "simulate", "--trace", dir.resolve("missing.csv").toString(), "--format",
        "timestamps");
  }

  private static void assertBad(String fragment, String... args) {
    PlanCommandTest.Result r = PlanCommandTest.run(args);
    assertEquals(2, r.status(), r.out() + r.err());
    assertTrue(r.err().contains(fragment) && r.err().strip().lines().count() == 1, r.err());
  }
}

package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueueCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Run(int status, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void theBuiltInExampleNeedsNoArguments() {
    Run r = run("queue");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("example: ResNet-50 on one A100"), r.out());
    assertTrue(r.out().contains("max rate, p99 <= 20 ms"), r.out());
    assertTrue(r.out().contains("mean batch size"), r.out());
  }

  /** Erlang C table: 10 servers, 8 erlangs, P(wait) = 0.4092; Wq = C / (cμ - λ) = 0.4092 / 20 s. */
  @Test
  void mmcJsonHasTheDocumentedKeys() throws Exception {
    Run r = run("queue", "--model", "mmc", "--rate", "80", "--servers", "10", "--service", "100ms", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = r.json();
    for (String key : List.of("model", "method", "utilization", "stable", "probWait", "meanWait", "meanResponse",
        "waitP50", "waitP95", "waitP99", "responseP50", "responseP95", "responseP99")) {
      assertTrue(j.has(key), key + " in " + r.out());
    }
    assertFalse(j.has("meanBatchSize"), "not a batch model");
    assertFalse(j.has("maxRate"), "no --slo-target");
    assertEquals("mmc", j.get("model").asText());
    assertEquals(0.8, j.get("utilization").asDouble(), 1e-12);
    assertEquals(0.4092, j.get("probWait").asDouble(), 5e-5);
    assertEquals(0.40918015079644354 / 20, j.get("meanWait").asDouble(), 1e-12);
    assertTrue(j.get("stable").asBoolean());
  }

  @Test
  void sloTargetAddsMaxRate() throws Exception {
    // M/M/1 with mean service 10 ms: λ* = μ + ln(1 - 0.99) / 0.1 s = 100 - 46.05 = 53.95 requests/s.
    Run r = run("queue", "--model", "mmc", "--rate", "10", "--service", "0.01", "--slo-target", "100ms", "--json");
    assertEquals(0, r.status(), r.err());
    assertEquals(100 + Math.log(0.01) / 0.1, r.json().get("maxRate").asDouble(), 1e-3);
  }

  @Test
  void batchModelReportsMeanBatchSize() throws Exception {
    Run r = run("queue", "--model", "batch", "--rate", "500", "--max-batch", "8", "--batch-fixed", "2ms",
        "--batch-per-item", "0.5ms", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = r.json();
    assertTrue(j.get("meanBatchSize").asDouble() >= 1 && j.get("meanBatchSize").asDouble() <= 8, r.out());
    assertEquals("batch", j.get("model").asText());
  }

  @Test
  void everyModelRuns() {
    assertEquals(0, run("queue", "--model", "mdc", "--rate", "95", "--servers", "100", "--service", "1").status());
    assertEquals(0, run("queue", "--model", "mg1", "--rate", "5", "--service", "0.1", "--service-cv", "2").status());
    assertEquals(0,
        run("queue", "--model", "mgc", "--rate", "50", "--servers", "8", "--service", "0.1", "--service-cv", "0.5")
            .status());
  }

  @Test
  void anUnstableQueueIsAResultNotAnError() throws Exception {
    Run r = run("queue", "--model", "mmc", "--rate", "20", "--servers", "2", "--service", "0.1", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = r.json();
    assertFalse(j.get("stable").asBoolean());
    assertTrue(j.get("meanWait").isNull(), "JSON has no infinity: null");
    Run table = run("queue", "--model", "mmc", "--rate", "20", "--servers", "2", "--service", "0.1");
    assertTrue(table.out().contains("infinite"), table.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "--model mmc --rate -5 --service 0.1",
      "--model mmc --rate NaN --service 0.1",
      "--model mmc --rate 5 --servers 0 --service 0.1",
      "--model mmc --rate 5",
      "--model mmc --rate 5 --service -1",
      "--model batch --rate 10 --max-batch 4",
      "--model batch --rate 10 --batch-fixed 1ms",
      "--model mg1 --rate 5 --service 0.1",
      "--model mmc --rate 5 --service 0.1 --percentile 100",
      "--model mmc --rate 5 --service 0.1 --slo-target 0",
      "--model mmc --rate 5 --service 2 parsecs",
      "--model nosuch --rate 5",
      "--rate 5 --service 0.1",
      "--model batch --rate 10 --max-batch 512 --batch-fixed 1ms --max-queue-delay -1ms"
  })
  void badArgumentsGiveOneLineAndStatusTwo(String line) {
    String[] args = ("queue " + line).split(" ");
    Run r = run(args);
    assertEquals(2, r.status(), line + " -> " + r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertTrue(r.err().startsWith("scaleplan queue: "), r.err());
    assertTrue(r.out().isEmpty(), r.out());
  }

  @Test
  void infeasibleSloIsReportedNotThrown() throws Exception {
    Run r = run("queue", "--model", "mdc", "--rate", "1", "--service", "1", "--slo-target", "0.5", "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = r.json();
    assertTrue(j.get("maxRate").isNull());
    assertFalse(j.get("capacity").get("feasible").asBoolean());
  }

  @Test
  void helpExplainsTheCommand() {
    Run r = run("queue", "--help");
    assertEquals(0, r.status());
    assertTrue(r.out().contains("--max-queue-delay"));
    assertTrue(r.out().contains("Examples:"));
  }
}

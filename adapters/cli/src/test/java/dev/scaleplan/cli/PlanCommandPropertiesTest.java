package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleplan.testkit.gen.Gen;
import dev.scaleplan.testkit.gen.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code scaleplan plan} never crashes: for generated argument lists mixing its options with valid, invalid and
 * hostile values, it exits 0 with a feasible plan, 1 with an infeasible one (and its reason), or 2 with exactly one
 * line on stderr. Every run plans for one GPU type of the embedded profile, to keep each case near half a second.
 */
class PlanCommandPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLUSTER = PlanCommandTest.examples().resolve("cluster.json").toString();
  private static final String CURRENT = PlanCommandTest.examples().resolve("current.json").toString();

  private static final List<Gen<List<String>>> OPTIONS = List.of(
      opt("--rate", "1", "500", "8000", "40000", "1e6", "0", "-3", "NaN", "Infinity", "abc"),
      opt("--slo-percentile", "50", "99", "99.9", "0", "100", "-1", "NaN"),
      opt("--slo-target", "25ms", "5ms", "1s", "1ms", "0", "-1", "NaN", "5parsecs"),
      opt("--gpus", "1", "4", "64", "0", "-2", "x"),
      opt("--solver", "dp", "ilp", "ilp", "magic", ""),
      opt("--headroom", "1", "1.2", "0.5", "NaN"),
      opt("--min-instances", "0", "1", "3", "-1"),
      opt("--replicas", "1", "1,2", "1,2,4,8", "0", "2000", "a"),
      opt("--budget", "1", "10", "1000", "-5", "NaN"),
      opt("--cluster", CLUSTER, CLUSTER, "no-such-file.json"),
      opt("--current", CURRENT, "no-such-file.json"),
      opt("--time-limit", "1s", "0", "-1", "NaN"),
      opt("--workers", "1", "2", "0"),
      opt("--stabilisation-seconds", "0", "60s", "-1"),
      opt("--max-queue-delay", "0", "-1ms", "NaN"),
      Gen.constant(List.of("--json")),
      Gen.constant(List.of("stray")));

  private static Gen<List<String>> opt(String name, String... values) {
    return Gen.oneOf(values).map(v -> List.of(name, v));
  }

  static Gen<List<String>> arguments() {
    Gen<List<List<String>>> picks = Gen.<List<String>>oneOfGens(OPTIONS).list(0, 5);
    Gen<String> type = Gen.oneOf("A100-80GB", "A40", "T4");
    return picks.flatMap(parts -> type.map(t -> {
      List<String> args = new ArrayList<>(List.of("plan", "--gpu-type", t));
      parts.forEach(args::addAll);
      return List.copyOf(args);
    }));
  }

  @TestFactory
  Stream<DynamicTest> neverCrashes() {
    return Property.cases("scaleplan plan never crashes", arguments(), 40, args -> {
      PlanCommandTest.Result r = PlanCommandTest.run(args.toArray(new String[0]));
      assertFalse(r.err().contains("internal error"), r.err());
      if (r.status() == 0 || r.status() == 1) {
        assertFalse(r.out().isBlank(), "output for " + args);
        if (args.contains("--json")) {
          try {
            JsonNode j = JSON.readTree(r.out());
            assertEquals(r.status() == 0, j.get("feasible").asBoolean()
                && (!j.has("transition") || j.get("transition").get("covers").asBoolean()), r.out());
            for (JsonNode i : j.get("instances")) {
              assertTrue(i.get("meetsSlo").asBoolean(), "every instance meets the SLO at its share: " + i);
            }
          } catch (java.io.IOException e) {
            throw new AssertionError("invalid JSON for " + args + ": " + r.out(), e);
          }
        } else if (r.status() == 1) {
          assertTrue(r.out().contains("no plan:") || r.out().contains("short"), r.out());
        }
      } else {
        assertEquals(2, r.status(), "status for " + args + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line for " + args + ": " + r.err());
        assertTrue(r.out().isEmpty(), "no output on error: " + r.out());
      }
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }
}

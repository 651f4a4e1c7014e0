package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleplan.testkit.gen.Gen;
import dev.scaleplan.testkit.gen.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The command line never crashes: for generated argument lists, drawn from every option with valid, invalid and
 * hostile values (NaN, negatives, zero, huge numbers, bad units, stray words), {@code scaleplan queue} exits 0 with
 * output (valid JSON under {@code --json}) or 2 with exactly one line on stderr, and never reports an internal error.
 */
class QueueCommandPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<Gen<List<String>>> OPTIONS = List.of(
      opt("--model", "mmc", "mdc", "mg1", "mgc", "batch", "batch", "nosuch", ""),
      opt("--rate", "0", "5", "50", "900", "2500", "-3", "NaN", "Infinity", "1e308", "abc", "0x10"),
      opt("--servers", "1", "2", "4", "0", "-1", "x", "1000000000000"),
      opt("--service", "0.01", "100ms", "2s", "250us", "0", "-1", "NaN", "5parsecs", "ms", "1e-300"),
      opt("--service-cv", "0", "0.5", "1", "2", "-1", "NaN"),
      opt("--max-batch", "1", "8", "32", "0", "-4", "2147483648", "1.5"),
      opt("--batch-fixed", "2ms", "0", "0.001", "-1ms", "NaN"),
      opt("--batch-per-item", "0.5ms", "0", "1e-4", "-0.1"),
      opt("--max-queue-delay", "0", "1ms", "5ms", "-1ms", "NaN"),
      opt("--percentile", "50", "99", "99.9", "0", "100", "-5", "NaN"),
      opt("--slo-target", "20ms", "1", "0.0001", "0", "-1", "NaN"),
      Gen.constant(List.of("--json")),
      Gen.constant(List.of("stray")));

  private static Gen<List<String>> opt(String name, String... values) {
    return Gen.oneOf(values).map(v -> List.of(name, v));
  }

  static Gen<List<String>> arguments() {
    Gen<List<List<String>>> picks = Gen.<List<String>>oneOfGens(OPTIONS).list(0, 6);
    return picks.map(parts -> {
      List<String> args = new ArrayList<>(List.of("queue"));
      parts.forEach(args::addAll);
      return List.copyOf(args);
    });
  }

  @TestFactory
  Stream<DynamicTest> neverCrashes() {
    return Property.cases("scaleplan queue never crashes", arguments(), 150, args -> {
      QueueCommandTest.Run r = QueueCommandTest.run(args.toArray(new String[0]));
      assertFalse(r.err().contains("internal error"), r.err());
      if (r.status() == 0) {
        assertFalse(r.out().isBlank(), "output for " + args);
        if (args.contains("--json")) {
          try {
            assertTrue(JSON.readTree(r.out()).has("model"), r.out());
          } catch (Exception e) {
            throw new AssertionError("invalid JSON for " + args + ": " + r.out(), e);
          }
        }
      } else {
        assertEquals(2, r.status(), "status for " + args + ": " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line for " + args + ": " + r.err());
        assertTrue(r.out().isEmpty(), "no output on error: " + r.out());
      }
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }
}

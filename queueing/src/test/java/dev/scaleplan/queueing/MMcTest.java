package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class MMcTest {

  /**
   * Erlang C against reference/erlang_c.csv: the factorial form evaluated in exact rational arithmetic by
   * reference/erlang_c.py (a different algorithm from the library's recursion). Two rows are also classic table
   * values: C(2 servers, 1 erlang) = 1/3, and C(10, 8) = 0.4092 as printed in Erlang C tables.
   */
  @TestFactory
  List<DynamicTest> erlangCMatchesExactRationalReference() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        getClass().getResourceAsStream("/reference/erlang_c.csv"), StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line; (line = in.readLine()) != null; ) {
        String[] f = line.split(",");
        int c = Integer.parseInt(f[0]);
        double a = Double.parseDouble(f[1]);
        double expected = Double.parseDouble(f[2]);
        tests.add(DynamicTest.dynamicTest("C(" + c + ", " + a + ")",
            () -> assertEquals(expected, MMc.erlangC(c, a), 1e-12 * Math.max(1, expected))));
      }
    }
    assertEquals(10, tests.size());
    return tests;
  }

  @Test
  void classicTableValues() {
    assertEquals(1.0 / 3, MMc.erlangC(2, 1), 1e-15); // exact: B(2,1) = 1/5, C = B / (1 - ρ(1 - B))
    assertEquals(0.4092, MMc.erlangC(10, 8), 5e-5); // Erlang C table, 10 servers, 8 erlangs
  }

  /** Halfin and Whitt (1981): with ρ = 1 - β/√c, C tends to 1 / (1 + β Φ(β) / φ(β)); 0.2234 at β = 1. */
  @Test
  void largeSystemsApproachTheHalfinWhittLimit() {
    double limit = 1 / (1 + 0.8413447460685429 / 0.24197072451914337);
    assertEquals(limit, MMc.erlangC(10_000, 9_900), 2e-3);
    assertEquals(limit, MMc.erlangC(1_000_000, 999_000), 2e-4);
  }

  /** M/M/1: P(wait) = ρ, Wq = ρ / (μ - λ), P(W > t) = ρ e^{-(μ-λ)t}, R ~ Exp(μ - λ) (Kleinrock vol. 1, §3.2). */
  @Test
  void singleServerIsMM1() {
    double lambda = 6, s = 0.1; // μ = 10, ρ = 0.6
    QueueMetrics m = MMc.of(lambda, 1, s).metrics();
    assertTrue(m.stable());
    assertEquals(0.6, m.utilization().value(), 1e-15);
    assertEquals(0.6, m.probWait().value(), 1e-15);
    assertEquals(0.6 / 4, m.meanWait().value(), 1e-15);
    assertEquals(1.0 / 4, m.meanResponse().value(), 1e-15);
    // Response is Exp(μ - λ = 4): p-th percentile = -ln(1 - p) / 4.
    for (double p : new double[] {50, 95, 99, 99.9}) {
      assertEquals(-Math.log(1 - p / 100) / 4, m.responsePercentile(p).value(), 1e-10, "p" + p);
    }
    // Wait: 0 when p <= 1 - ρ, else ln(ρ / (1 - p)) / (μ - λ).
    assertEquals(Math.log(0.6 / 0.5) / 4, m.waitP50().value(), 1e-15); // 1 - ρ = 0.4 < 0.5, so p50 > 0
    assertEquals(0, MMc.of(2, 1, 0.1).metrics().waitP50().value(), 0); // ρ = 0.2: 80% do not wait
    assertEquals(Math.log(0.6 / 0.01) / 4, m.waitP99().value(), 1e-12);
  }

  /** The response percentile inverts the exact response tail, including where cμ - λ equals μ. */
  @Test
  void responsePercentilesInvertTheTail() {
    for (double[] p : new double[][] {{15, 2, 0.1}, {190, 20, 0.1}, {10, 2, 0.1}, {999, 1000, 1}}) {
      MMc q = MMc.of(p[0], (int) p[1], p[2]);
      QueueMetrics m = q.metrics();
      for (double pct : new double[] {50, 95, 99}) {
        double t = m.responsePercentile(pct).value();
        assertEquals(1 - pct / 100, q.responseTail(t), 1e-10);
      }
      assertTrue(m.responseP50().value() < m.responseP95().value());
      assertTrue(m.responseP95().value() < m.responseP99().value());
    }
  }

  @Test
  void tenThousandServersIsFastAndFinite() {
    QueueMetrics m = MMc.of(9_990, 10_000, 1).metrics(); // ρ = 0.999
    assertTrue(m.stable());
    assertTrue(m.probWait().value() > 0 && m.probWait().value() < 1);
    assertTrue(Double.isFinite(m.responseP99().value()));
  }

  @Test
  void unstableQueuesReportInfiniteDelays() {
    QueueMetrics m = MMc.of(20, 2, 0.1).metrics(); // ρ = 1
    assertFalse(m.stable());
    assertEquals(Double.POSITIVE_INFINITY, m.meanWait().value());
    assertEquals(Double.POSITIVE_INFINITY, m.responseP99().value());
    assertEquals(1, m.probWait().value());
  }

  @Test
  void zeroRateMeansNoWaiting() {
    QueueMetrics m = MMc.of(0, 3, 0.5).metrics();
    assertEquals(0, m.probWait().value());
    assertEquals(0.5, m.meanResponse().value(), 1e-15);
    assertEquals(-Math.log(0.01) * 0.5, m.responseP99().value(), 1e-10);
  }

  @Test
  void badInputIsRejectedWithTheValueInTheMessage() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MMc.of(Double.NaN, 1, 1));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MMc.of(-1, 1, 1));
    assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MMc.of(1, 0, 1));
    assertTrue(e.getMessage().contains("servers (0)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MMc.of(1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> MMc.of(1, 1, 1).metrics().waitPercentile(100));
  }
}

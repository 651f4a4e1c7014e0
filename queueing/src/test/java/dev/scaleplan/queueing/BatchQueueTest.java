package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchQueueTest {
  private static final QueueSimulator.Options OPTIONS =
      QueueSimulator.Options.defaults().withConfidence(0.999).withSeed(7);

  /**
   * ResNet-50 v1.5 on one A100 80GB, Triton TensorRT FP16, offline scenario, average latency per batch (ms).
   * Source: NVIDIA/DeepLearningExamples, PyTorch/Classification/ConvNets/triton/resnet50/README.md (commit 49e23b45).
   */
  static final BatchLatency RESNET50_A100 = BatchLatency.tabulated(
      new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});

  static QueueSimulator simulator(InstanceConfig c) {
    return QueueSimulator.of("batch-sim", c.servers(), c.maxBatch(), c.dispatch(),
        BatchServiceTime.deterministic(c.latency()), c.saturationRatePerSecond(), OPTIONS);
  }

  /** The exact chain's figures against an independent estimator: the simulator (checked against M/M/c). */
  @ParameterizedTest
  @CsvSource({
      "200, 8, 0.002, 0.0005", "1200, 8, 0.002, 0.0005", "1500, 16, 0.002, 0.0005",
      "40, 4, 0.01, 0.01", "50, 1, 0.001, 0.015"})
  void exactChainAgreesWithTheSimulator(double rate, int maxBatch, double fixed, double perItem) {
    InstanceConfig c = InstanceConfig.of(1, maxBatch, BatchLatency.affine(fixed, perItem));
    assertAgrees(rate, c);
  }

  @ParameterizedTest
  // saturation B / l(B): 2,859 requests/s at B = 32, 2,662 at B = 128, 2,054 at B = 8
  @CsvSource({"500, 32", "2000, 32", "2700, 32", "1000, 8", "2500, 128"})
  void exactChainAgreesOnThePublishedResNetProfile(double rate, int maxBatch) {
    assertAgrees(rate, InstanceConfig.of(1, maxBatch, RESNET50_A100));
  }

  private static void assertAgrees(double rate, InstanceConfig c) {
    QueueMetrics exact = BatchQueue.of(rate, c).metrics();
    QueueMetrics sim = simulator(c).run(rate);
    assertEquals(Method.NUMERICAL, exact.meanResponse().method());
    String at = " at λ=" + rate + ", " + c;
    assertAgrees(sim.utilization(), exact.utilization(), "utilization" + at);
    assertAgrees(sim.meanBatchSize().orElseThrow(), exact.meanBatchSize().orElseThrow(), "mean batch" + at);
    assertAgrees(sim.meanWait(), exact.meanWait(), "mean wait" + at);
    assertAgrees(sim.meanResponse(), exact.meanResponse(), "mean response" + at);
    assertAgrees(sim.probWait(), exact.probWait(), "P(wait)" + at);
    for (double p : new double[] {50, 95, 99, 99.9}) {
      assertEquals(Method.NUMERICAL, exact.responsePercentile(p).method());
      assertAgrees(sim.responsePercentile(p), exact.responsePercentile(p), "response p" + p + at);
      assertAgrees(sim.waitPercentile(p), exact.waitPercentile(p), "wait p" + p + at);
    }
  }

  /**
   * The exact value lies in the simulation's interval, widened by 1e-5 for figures the simulation sees as certain
   * (an interval of width 0 when no replication observed a one-in-a-million event).
   */
  private static void assertAgrees(Estimate simulated, Estimate exact, String what) {
    double x = exact.value();
    assertTrue(simulated.lower() - 1e-5 <= x && x <= simulated.upper() + 1e-5,
        what + ": exact " + x + " vs simulated " + simulated);
  }

  /** Renewal-reward consistency: throughput E[b] / E[C] must equal the arrival rate. */
  @Test
  void throughputEqualsTheArrivalRate() {
    for (double rate : new double[] {10, 400, 1200, 2500, 2800}) {
      InstanceConfig c = InstanceConfig.of(1, 32, RESNET50_A100);
      BatchQueue.Chain chain = BatchQueue.Chain.solve(rate, c);
      assertEquals(rate, chain.meanBatch / chain.cycle, rate * 1e-9, "λ = " + rate);
      double mass = 0;
      for (double p : chain.pi) {
        mass += p;
      }
      assertEquals(1, mass, 1e-12);
      // The tagged-request analysis accounts for every arrival (skipped contributions are below 1e-14 each).
      assertEquals(1, chain.delays().responseMass(), 1e-8, "λ = " + rate);
    }
  }

  /** B = 1 and l(b) = D is M/D/1: Pollaczek-Khinchine Wq = ρ D / (2 (1 - ρ)) exactly (Kleinrock eq. 5.105). */
  @Test
  void maxBatchOneIsMD1() {
    double d = 0.01;
    for (double rho : new double[] {0.1, 0.5, 0.9, 0.98}) {
      QueueMetrics m = BatchQueue.of(rho / d, InstanceConfig.of(1, 1, BatchLatency.affine(d, 0))).metrics();
      assertEquals(rho * d / (2 * (1 - rho)), m.meanWait().value(), 1e-12, "ρ = " + rho);
      assertEquals(rho, m.utilization().value(), 1e-12);
      assertEquals(1, m.meanBatchSize().orElseThrow().value(), 1e-12);
    }
  }

  /**
   * Near saturation the chain needs thousands of states; its truncation must lose less than 1e-12 of the mass, so the
   * M/D/1 mean wait (Pollaczek-Khinchine, as above) still holds to 1e-9 relative at ρ = 0.995 and 0.999.
   */
  @Test
  void truncationHoldsNearSaturation() {
    double d = 0.01;
    for (double rho : new double[] {0.995, 0.999}) {
      QueueMetrics m = BatchQueue.of(rho / d, InstanceConfig.of(1, 1, BatchLatency.affine(d, 0))).metrics();
      double pk = rho * d / (2 * (1 - rho));
      assertEquals(pk, m.meanWait().value(), 1e-9 * pk, "ρ = " + rho);
      assertEquals(Method.NUMERICAL, m.meanWait().method(), m.note());
    }
  }

  /**
   * With B = 1 and l(b) = D the tagged-request percentiles must be M/D/1's, which MDc computes by an unrelated method
   * (Crommelin/Franx, checked against Erlang's M/D/1 formula): agreement within 0.2% (the grid and midpoint rule).
   */
  @Test
  void maxBatchOnePercentilesAreMD1() {
    double d = 0.01;
    for (double rho : new double[] {0.3, 0.7, 0.9}) {
      QueueMetrics batch = BatchQueue.of(rho / d, InstanceConfig.of(1, 1, BatchLatency.affine(d, 0))).metrics();
      QueueMetrics mdc = MDc.of(rho / d, 1, d).metrics();
      for (double p : new double[] {50, 90, 95, 99, 99.9}) {
        double expected = mdc.responsePercentile(p).value();
        assertEquals(expected, batch.responsePercentile(p).value(), 2e-3 * expected, "ρ " + rho + ", p" + p);
      }
    }
  }

  /** Light load: batches of one served at once; near saturation batches fill up to B. */
  @Test
  void limits() {
    InstanceConfig c = InstanceConfig.of(1, 16, BatchLatency.affine(0.002, 0.0005));
    QueueMetrics light = BatchQueue.of(0.01, c).metrics();
    assertEquals(1, light.meanBatchSize().orElseThrow().value(), 1e-4);
    assertEquals(0.0025, light.meanResponse().value(), 1e-6);
    double saturation = c.saturationRatePerSecond();
    QueueMetrics heavy = BatchQueue.of(0.995 * saturation, c).metrics();
    assertTrue(heavy.meanBatchSize().orElseThrow().value() > 15.5, heavy.toString());
    QueueMetrics idle = BatchQueue.of(0, c).metrics();
    assertEquals(0.0025, idle.responseP99().value(), 0);
  }

  @Test
  void severalServersAndTimeoutsAreSimulated() {
    InstanceConfig two = new InstanceConfig(2, 8, BatchLatency.affine(0.002, 0.0005), DispatchRule.workConserving());
    QueueMetrics m = BatchQueue.of(1000, two, OPTIONS).metrics();
    assertEquals(Method.SIMULATION, m.meanWait().method());
    assertTrue(m.note().startsWith("simulation"), m.note());
    InstanceConfig timeout = InstanceConfig.of(1, 8, BatchLatency.affine(0.002, 0.0005))
        .withDispatch(DispatchRule.maxQueueDelay(0.002));
    QueueMetrics t = BatchQueue.of(500, timeout, OPTIONS).metrics();
    QueueMetrics wc = BatchQueue.of(500, InstanceConfig.of(1, 8, BatchLatency.affine(0.002, 0.0005))).metrics();
    assertTrue(t.meanBatchSize().orElseThrow().value() > wc.meanBatchSize().orElseThrow().value(),
        "holding batches makes them larger");
  }

  /** A huge max batch would need a chain too large for memory: the model falls back to the simulator. */
  @Test
  void hugeBatchesAreSimulatedNotOutOfMemory() {
    InstanceConfig c = InstanceConfig.of(1, 100_000, BatchLatency.affine(0.002, 1e-7));
    QueueMetrics m = BatchQueue.of(0.5 * c.saturationRatePerSecond(), c,
        QueueSimulator.Options.defaults().withCustomers(20_000, 2_000).withReplications(4)).metrics();
    assertEquals(Method.SIMULATION, m.meanWait().method());
    assertTrue(m.note().contains("too large"), m.note());
  }

  @Test
  void unstableAndBadInput() {
    InstanceConfig c = InstanceConfig.of(1, 8, BatchLatency.affine(0.002, 0.0005)); // saturation 8 / 6 ms
    QueueMetrics m = BatchQueue.of(8 / 0.006, c).metrics();
    assertFalse(m.stable());
    assertEquals(Double.POSITIVE_INFINITY, m.meanResponse().value());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BatchQueue.of(Double.NaN, c));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BatchQueue.of(-3, c));
  }
}

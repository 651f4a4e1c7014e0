package dev.scaleplan.solvers.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenThroughputTest {
  /**
   * Llama-2-70B decode on H100, tensor-parallel 4: the medians SplitwiseSim published (shared/data/profiles.md,
   * section 2a), ms per iteration at batch 1, 4, 16, 64: 29.7, 29.9, 32.8, 52.4 (p99 taken 10% above).
   */
  static final LatencyCurve LLAMA70B_H100_TP4 = LatencyCurve.of(List.of(
      new LatencyPoint(1, 0.0297, 0.0327), new LatencyPoint(4, 0.0299, 0.0329),
      new LatencyPoint(16, 0.0328, 0.0361), new LatencyPoint(64, 0.0524, 0.0576)));

  @Test
  void theBestBatchWithinTheTpotTarget() {
    // 60 ms: every batch meets it; the best is 64 / 0.0524 = 1,221.4 tokens/s.
    assertEquals(64 / 0.0524, TokenThroughput.decode(LLAMA70B_H100_TP4, 0.060, LatencyCurve.Statistic.MEAN), 1e-9);
    // 33 ms: batch 16 (32.8 ms) is the largest that meets it: 16 / 0.0328 = 487.8 tokens/s.
    assertEquals(16 / 0.0328, TokenThroughput.decode(LLAMA70B_H100_TP4, 0.033, LatencyCurve.Statistic.MEAN), 1e-9);
    // Held to the p99 instead, 33 ms leaves batch 4 (p99 32.9 ms): 4 / 0.0329 = 121.6 tokens/s.
    assertEquals(4 / 0.0329, TokenThroughput.decode(LLAMA70B_H100_TP4, 0.033, LatencyCurve.Statistic.P99), 1e-9);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TokenThroughput.decode(LLAMA70B_H100_TP4, 0.029, LatencyCurve.Statistic.MEAN));
    assertTrue(e.getMessage().contains("29.0 ms") && e.getMessage().contains("29.7"), e.getMessage());
  }
}

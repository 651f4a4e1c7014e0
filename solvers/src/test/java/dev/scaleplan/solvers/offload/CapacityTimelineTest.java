package dev.scaleplan.solvers.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapacityTimelineTest {
  @Test
  void offloadServesEarlierAndNeverLess() {
    // By hand: 4 layers of 1 ms, batch 1, a free link: one instance alone serves 1 / 4 ms = 250/s. The new instance
    // holds layer i from i + 1 s. [0,1): 250/s. [1,2): split 1|3, bottleneck 3 ms: 333.3/s. [2,3): 2|2: 500/s.
    // [3,4): 3|1 has a 3 ms stage, so 2|2 stays best: 500/s. From 4 s both serve alone: 2 x 250/s.
    LayerCosts c = LayerCosts.uniform(4, 0.001, 0, 1, 1e12, 0);
    CapacityTimeline.Timeline t = CapacityTimeline.of(c, List.of(new double[] {1, 2, 3, 4}));
    assertEquals(250, t.withOffloadAt(0.5), 1e-9);
    assertEquals(1 / 0.003, t.withOffloadAt(1.5), 1e-9);
    assertEquals(500, t.withOffloadAt(2.5), 1e-9);
    assertEquals(500, t.withOffloadAt(3.5), 1e-9);
    assertEquals(500, t.withOffloadAt(4.5), 1e-9); // both serving alone: 2 x 250
    // Area between the curves: (333.3 - 250) x 1 + (500 - 250) x 2 = 583.3 requests.
    assertEquals((1 / 0.003 - 250) + 2 * 250, t.extraRequests(), 1e-6);
    for (CapacityTimeline.Point p : t.points()) {
      assertTrue(p.withOffloadPerSecond() >= p.withoutOffloadPerSecond() - 1e-9);
    }
  }

  @Test
  void theTimelineBecomesTheScalingPlannersRamp() {
    // From the first test's timeline: offload adds 83.3/s at 1 s and 250/s from 2 s, of a new instance's 250/s.
    LayerCosts c = LayerCosts.uniform(4, 0.001, 0, 1, 1e12, 0);
    CapacityTimeline.Timeline t = CapacityTimeline.of(c, List.of(new double[] {1, 2, 3, 4}));
    var ramp = CapacityTimeline.ramp(t, 1, 250);
    assertEquals(0, ramp.at(0.5), 1e-12);
    assertEquals((1 / 0.003 - 250) / 250, ramp.at(1.5), 1e-12);
    assertEquals(1, ramp.at(2.5), 1e-12);
  }

  @Test
  void allResidentFromTheStartIsThePlainInstance() {
    LayerCosts c = LayerCosts.uniform(4, 0.001, 0, 2, 1e12, 0);
    CapacityTimeline.Timeline t = CapacityTimeline.of(c, List.of(new double[] {0, 0, 0, 0}));
    assertEquals(2 * 2 / 0.004, t.withOffloadAt(0), 1e-9);
    assertEquals(0, t.extraRequests(), 0);
  }

  @Test
  void pipelinedSwapInOverlapsTransferAndCompute() {
    // By hand: transfers 2, 2, 2 and computes 1, 1, 1: finishes at 3, 5, 7 against 6 + 3 = 9 sequentially;
    // compute-bound: transfers 1, 1, 1 and computes 2, 2, 2: 3, 5, 7 (only the first transfer is exposed).
    var a = PipelinedSwapIn.of(new double[] {2, 2, 2}, new double[] {1, 1, 1}, 4);
    assertEquals(7, a.pipelinedSeconds(), 1e-12);
    assertEquals(9, a.sequentialSeconds(), 1e-12);
    assertEquals(4 / 3.0, a.throughputAfterPerSecond(), 1e-12);
    var b = PipelinedSwapIn.of(new double[] {1, 1, 1}, new double[] {2, 2, 2}, 1);
    assertEquals(7, b.pipelinedSeconds(), 1e-12);
  }

  @Test
  void aCompleteInstanceMayStayInThePipeline() {
    // Review repro: layers 1, 1, 1 s, batch 3, free link; A holds 1 layer until 5 s, B is complete at 1 s.
    // At 1 s, A 0 | B 1 | old 2 serves 3/s, more than A 0 | old 1-2 (1.5/s) plus B alone (1/s).
    LayerCosts c = new LayerCosts(new double[] {1, 1, 1}, new long[] {0, 0, 0}, 3, 1, 0);
    CapacityTimeline.Timeline t = CapacityTimeline.of(c, List.of(new double[] {0, 5, 5}, new double[] {0, 0, 1}));
    assertEquals(3.0, t.withOffloadAt(1.5), 1e-12);
  }

  @Test
  void layersWithoutTimeAreRefused() {
    LayerCosts c = new LayerCosts(new double[] {0, 0}, new long[] {0, 0}, 1, 1, 0);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> CapacityTimeline.of(c, List.of(new double[] {0, 1})));
  }
}

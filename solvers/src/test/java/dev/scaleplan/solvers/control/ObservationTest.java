package dev.scaleplan.solvers.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObservationTest {
  @Test
  void perInstanceCountersAddUpAndPercentilesTakeTheLargest() {
    List<InstanceSpec> kinds = AutoscalerTest.SIZES;
    Observation o = Observation.of(12, 1, List.of(
        new Observation.InstanceMetrics(0, true, 100, 90, 2, 5, 3, 0.004, 0.030),
        new Observation.InstanceMetrics(0, true, 120, 118, 0, 1, 4, 0.005, 0.020),
        new Observation.InstanceMetrics(1, true, 300, 310, 7, 9, 8, 0.006, 0.080),
        new Observation.InstanceMetrics(0, false, 0, 0, 0, 0, 0, -1, -1)), 6, kinds, 0.1);
    // By hand: arrivals 100 + 120 + 300 = 520; completions 518; late 9; queued 5 + 1 + 9 + 6 held = 21; running 15.
    assertEquals(520, o.arrivals());
    assertEquals(518, o.completions());
    assertEquals(9, o.violations());
    assertEquals(21, o.queued());
    assertEquals(15, o.inService());
    assertEquals(0.006, o.p50Seconds(), 0);
    assertEquals(0.080, o.p99Seconds(), 0);
    assertArrayEquals(new int[] {2, 1, 0}, o.ready());
    assertArrayEquals(new int[] {1, 0, 0}, o.loading());
    assertEquals(520, o.arrivalRate(), 0);
    assertThrows(IllegalArgumentException.class, () -> Observation.of(1, 1, List.of(
        new Observation.InstanceMetrics(3, true, 1, 1, 0, 0, 0, -1, -1)), 0, kinds, 0.1));
    assertThrows(IllegalArgumentException.class, () -> new Observation.InstanceMetrics(0, true, -1, 0, 0, 0, 0, -1,
        -1));
  }
}

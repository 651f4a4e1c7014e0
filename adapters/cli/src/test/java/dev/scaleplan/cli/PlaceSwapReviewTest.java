package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Regression tests from the review of the swapping-tier options of {@code scaleplan place}. */
class PlaceSwapReviewTest {
  @Test
  void aHugeHostToGpuBandwidthIsNamedInTheUnitTyped() {
    // 1e300 GB/s is finite as typed, but 1e300 * 1e9 B/s overflows to Infinity; the message used to report
    // "The host-to-GPU bandwidth (B/s) (Infinity) must be a finite number", a value and unit the user never typed.
    PlanCommandTest.Result r = PlanCommandTest.run("place", "--swap-group", "t4", "--host-to-gpu", "1e300");
    assertEquals(2, r.status(), r.out() + r.err());
    assertTrue(r.err().contains("--host-to-gpu") && r.err().contains("1.0E300 GB/s"), r.err());
    assertTrue(r.err().strip().lines().count() == 1, r.err());
  }
}

package dev.scaleplan.solvers.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ControlSignalsTest {
  @Test
  void aBurstIsDetectedWithinThePanicWindow() {
    // 1 s periods, Knative's windows: 100 requests per second for a minute, then 400/s. The panic window (6 s) holds
    // only burst seconds after 6 s; the stable window still mostly the old rate. Panic at 2x: after the first burst
    // second the panic mean is (5 x 100 + 400) / 6 = 150/s against a stable (59 x 100 + 400) / 60 = 105/s: no; after
    // the third, (3 x 100 + 3 x 400) / 6 = 250/s >= 2 x 115/s: a burst, 3 s into it (within the 6 s window).
    RateEstimator r = RateEstimator.knativeDefaults(1);
    for (int t = 1; t <= 60; t++) {
      r.record(t, 100);
    }
    assertEquals(100, r.stableRate(), 1e-12);
    assertFalse(r.bursting());
    int detected = -1;
    for (int t = 61; t <= 70 && detected < 0; t++) {
      r.record(t, 400);
      if (r.bursting()) {
        detected = t - 60;
      }
    }
    assertEquals(3, detected);
    assertEquals(250, r.rate(), 1e-12);  // the panic rate while bursting
    assertEquals((57 * 100 + 3 * 400) / 60.0, r.stableRate(), 1e-12);
  }

  @Test
  void ratesOverPartialWindowsAndBadInput() {
    RateEstimator r = new RateEstimator(2, 10, 4, 2);
    assertEquals(0, r.rate());
    r.record(2, 10);
    assertEquals(5, r.stableRate(), 1e-12);  // 10 requests in one 2 s period
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.record(1, 5));
    assertTrue(e.getMessage().contains("not before the last"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> r.record(3, -1));
    assertTrue(e.getMessage().contains("arrivals of a period (-1.0)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RateEstimator(1, 5, 10, 2));
    assertTrue(e.getMessage().contains("panic window"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RateEstimator(1, 10, 5, 1));
    assertTrue(e.getMessage().contains("panic threshold (1.0)"), e.getMessage());
  }

  @Test
  void holtWintersFollowsTheRecurrencesByHand() {
    // Season of 2: first season 10, 20 -> level 15, season offsets -5, +5, trend 0.
    // α = 0.5, β = 0.5, γ = 0.5; y = 14 at slot 0:
    //   level = 0.5 (14 - (-5)) + 0.5 (15 + 0) = 17; trend = 0.5 (17 - 15) + 0.5 x 0 = 1;
    //   s0 = 0.5 (14 - 15 - 0) + 0.5 (-5) = -3.
    // Forecast 1 ahead (slot 1): 17 + 1 + 5 = 23; 2 ahead (slot 0): 17 + 2 - 3 = 16.
    HoltWinters hw = new HoltWinters(0.5, 0.5, 0.5, 2);
    hw.observe(10);
    assertEquals(10, hw.forecast(1), 1e-12);  // before a full season, Holt's linear method: level 10, trend 0
    hw.observe(20);
    assertTrue(hw.ready());
    hw.observe(14);
    assertEquals(23, hw.forecast(1), 1e-12);
    assertEquals(16, hw.forecast(2), 1e-12);
  }

  @Test
  void beforeASeasonTheForecastFollowsHoltsLinearMethod() {
    // Holt's linear method by hand, α = 0.5, β = 0.5 (season of 4 not yet seen): y = 10, 20, 30.
    //   after 10: level 10, trend 0; after 20: level 0.5 x 20 + 0.5 (10 + 0) = 15, trend 0.5 (15 - 10) = 2.5;
    //   after 30: level 0.5 x 30 + 0.5 (15 + 2.5) = 23.75, trend 0.5 (23.75 - 15) + 0.5 x 2.5 = 5.625.
    // Forecast h ahead: 23.75 + 5.625 h.
    HoltWinters hw = new HoltWinters(0.5, 0.5, 0.5, 4);
    assertEquals(0, hw.forecast(1), 0);
    hw.observe(10);
    hw.observe(20);
    hw.observe(30);
    assertFalse(hw.ready());
    assertEquals(29.375, hw.forecast(1), 1e-12);
    assertEquals(40.625, hw.forecast(3), 1e-12);
  }

  @Test
  void holtWintersForecastsADailyPatternWithTrend() {
    // y_t = 1000 + 2 t + 300 sin(2 pi t / 24) (hourly rates, a daily season): after 10 days, the next day's forecasts
    // are within 3% of the truth; a forecast the day before a peak widens the target ahead of it.
    HoltWinters hw = new HoltWinters(0.3, 0.05, 0.3, 24);
    int days = 10;
    for (int t = 0; t < 24 * days; t++) {
      hw.observe(1000 + 2 * t + 300 * Math.sin(2 * Math.PI * t / 24));
    }
    for (int h = 1; h <= 24; h++) {
      int t = 24 * days - 1 + h;
      double truth = 1000 + 2 * t + 300 * Math.sin(2 * Math.PI * t / 24);
      assertEquals(truth, hw.forecast(h), 0.03 * truth, "h = " + h);
    }
    assertThrows(IllegalArgumentException.class, () -> hw.observe(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> new HoltWinters(0, 0.1, 0.1, 24));
  }
}

package dev.scaleplan.solvers.control;

import dev.scaleplan.api.Checks;

/**
 * Exponential smoothing with an additive trend and an additive season (Holt-Winters; Winters, "Forecasting sales by
 * exponentially weighted moving averages", Management Science 6, 1960; in the recurrence form of Hyndman and
 * Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., 2021, section 8.3):
 *
 * <pre>
 *   level_t  = α (y_t - s_{t-m}) + (1 - α)(level_{t-1} + trend_{t-1})
 *   trend_t  = β (level_t - level_{t-1}) + (1 - β) trend_{t-1}
 *   s_t      = γ (y_t - level_{t-1} - trend_{t-1}) + (1 - γ) s_{t-m}
 *   ŷ_{t+h}  = level_t + h trend_t + s_{t+h-m(k+1)},  k = floor((h - 1) / m)
 * </pre>
 *
 * with m observations per season (a day of rate samples, for the default forecaster). The first season initialises
 * the level (its mean) and the seasonal offsets (each observation minus that mean); the trend starts at 0. Until then,
 * forecasts follow Holt's linear method (the same recurrences without the season, level starting at the first
 * observation, trend at 0; Hyndman and Athanasopoulos, section 8.2), so a controller gets a trend from its first
 * minutes rather than waiting a day. Forecasts never go below 0 (a rate). Thread-safe: the methods synchronise on the
 * forecaster.
 */
public final class HoltWinters implements Forecaster {
  private final double alpha;
  private final double beta;
  private final double gamma;
  private final int m;
  private final double[] season;
  private final double[] first;
  private int seen;
  private double level;
  private double trend;
  private double warmLevel;
  private double warmTrend;

  /**
   * @param alpha level smoothing, in (0, 1]
   * @param beta trend smoothing, in [0, 1]
   * @param gamma season smoothing, in [0, 1]
   * @param seasonLength observations per season, at least 2
   */
  public HoltWinters(double alpha, double beta, double gamma, int seasonLength) {
    if (!(alpha > 0 && alpha <= 1) || !(beta >= 0 && beta <= 1) || !(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("The smoothing factors must be alpha in (0, 1] and beta, gamma in [0, 1]; "
          + "got " + alpha + ", " + beta + ", " + gamma + ".");
    }
    Checks.atLeast("season length", seasonLength, 2);
    this.alpha = alpha;
    this.beta = beta;
    this.gamma = gamma;
    this.m = seasonLength;
    this.season = new double[seasonLength];
    this.first = new double[seasonLength];
  }

  /** Adds the next observation. */
  @Override
  public synchronized void observe(double y) {
    if (!Double.isFinite(y)) {
      throw new IllegalArgumentException("An observation (" + y + ") must be finite.");
    }
    if (seen < m) {
      if (seen == 0) {
        warmLevel = y;
      } else {
        double previous = warmLevel;
        warmLevel = alpha * y + (1 - alpha) * (warmLevel + warmTrend);
        warmTrend = beta * (warmLevel - previous) + (1 - beta) * warmTrend;
      }
      first[seen++] = y;
      if (seen == m) {
        double mean = 0;
        for (double v : first) {
          mean += v;
        }
        mean /= m;
        level = mean;
        trend = 0;
        for (int i = 0; i < m; i++) {
          season[i] = first[i] - mean;
        }
      }
      return;
    }
    int i = seen % m;  // the slot of s_{t-m}
    double previousLevel = level;
    double previousTrend = trend;
    level = alpha * (y - season[i]) + (1 - alpha) * (previousLevel + previousTrend);
    trend = beta * (level - previousLevel) + (1 - beta) * previousTrend;
    season[i] = gamma * (y - previousLevel - previousTrend) + (1 - gamma) * season[i];
    seen++;
  }

  /** Whether a full season has been seen (before that, forecasts follow Holt's linear method). */
  @Override
  public synchronized boolean ready() {
    return seen >= m;
  }

  /** The forecast {@code h} observations ahead (h at least 1), at least 0; 0 before any observation. */
  @Override
  public synchronized double forecast(int h) {
    Checks.atLeast("forecast horizon", h, 1);
    if (seen == 0) {
      return 0;
    }
    if (seen < m) {
      return Math.max(0, warmLevel + h * warmTrend);
    }
    int slot = (int) ((seen + h - 1) % m);
    return Math.max(0, level + h * trend + season[slot]);
  }
}

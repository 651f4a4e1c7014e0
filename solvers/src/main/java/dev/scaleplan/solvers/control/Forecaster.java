package dev.scaleplan.solvers.control;

/**
 * Predicts a series of equally spaced observations (arrival rates per forecast bucket, for the {@link Autoscaler}).
 * The default is {@link HoltWinters} with a daily season; a framework may plug its own (a model fitted offline, a
 * calendar of known events). Implementations must be thread-safe if shared.
 */
public interface Forecaster {
  /** Adds the next observation (finite). */
  void observe(double y);

  /** The forecast {@code h} observations ahead, {@code h} at least 1; at least 0. */
  double forecast(int h);

  /** Whether the forecaster has seen enough to trust its forecasts in full (a whole season, for Holt-Winters). */
  boolean ready();
}

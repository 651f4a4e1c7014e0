package dev.scaleplan.queueing;

import java.util.Objects;

/**
 * One figure of a queueing result and how it was produced. For {@link Method#SIMULATION} figures {@code lower} and
 * {@code upper} bound a confidence interval (the level is {@link QueueMetrics#confidenceLevel()}); for the other
 * methods they equal the value.
 *
 * @param value the estimate; {@code +Infinity} for delays of an unstable queue
 * @param method how it was computed
 * @param lower lower end of the confidence interval (the value itself unless simulated)
 * @param upper upper end of the confidence interval (the value itself unless simulated)
 */
public record Estimate(double value, Method method, double lower, double upper) {
  public Estimate {
    Objects.requireNonNull(method, "method");
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("An estimate must not be NaN (method " + method + ").");
    }
    if (!(lower <= value && value <= upper)) {
      throw new IllegalArgumentException(
          "The interval [" + lower + ", " + upper + "] must contain the value (" + value + ").");
    }
  }

  public static Estimate exact(double value) {
    return new Estimate(value, Method.EXACT, value, value);
  }

  public static Estimate numerical(double value) {
    return new Estimate(value, Method.NUMERICAL, value, value);
  }

  public static Estimate approximation(double value) {
    return new Estimate(value, Method.APPROXIMATION, value, value);
  }

  /** A simulation estimate with its confidence interval. */
  public static Estimate simulated(double value, double lower, double upper) {
    return new Estimate(value, Method.SIMULATION, Math.min(lower, value), Math.max(upper, value));
  }

  /** A point value computed by {@code method} (no interval). */
  public static Estimate of(double value, Method method) {
    return new Estimate(value, method, value, value);
  }

  /** Whether {@code x} lies in the confidence interval (for non-simulated figures: equals the value). */
  public boolean covers(double x) {
    return lower <= x && x <= upper;
  }

  /** Half the width of the confidence interval; 0 unless simulated. */
  public double halfWidth() {
    return (upper - lower) / 2;
  }
}

package dev.scaleplan.testkit.trace;

/**
 * How a per-minute count of invocations becomes arrival times within its minute (the Azure Functions 2019 trace
 * records only counts per minute).
 */
public enum MinuteRule {
  /**
   * Evenly spaced: the i-th of n invocations in minute m (from 0) arrives at {@code 60 (m + (i + 0.5) / n)} seconds.
   * Deterministic; the smoothest reading of a count.
   */
  EVEN,
  /**
   * As a Poisson process given its count: n independent uniform times in the minute, sorted (the order statistics of
   * a Poisson process conditioned on n events are those of n uniforms; Ross, "Stochastic Processes", 2nd ed., 1996,
   * theorem 2.3.1). Seeded by the trace options; the burstiest reading consistent with the counts short of assuming
   * more.
   */
  POISSON
}

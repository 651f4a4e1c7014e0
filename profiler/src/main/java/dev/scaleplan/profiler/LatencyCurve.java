package dev.scaleplan.profiler;

import dev.scaleplan.api.BatchLatency;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Latency against batch size for one {@link ProfileKey}: the measured points, and queries between them.
 *
 * <p>Queries are monotone: a batch is never reported faster than a smaller measured batch. Where the measurements
 * dip (noise, or an outlier such as Splitwise's Llama2-70B H100 TP 2 batch-64 prefill), the curve holds the highest
 * latency measured at any smaller batch size (the running maximum, the least monotone curve above the data). Between
 * measured batch sizes it interpolates linearly; below the smallest it returns the smallest measured latency; beyond
 * the largest it refuses, unless the caller asks for {@link Extrapolation#LINEAR}, in which case the answer carries
 * a warning.
 */
public final class LatencyCurve {
  /** What a query beyond the largest measured batch does. */
  public enum Extrapolation {
    /** Refuse with an {@link IllegalArgumentException} naming the measured range. */
    REFUSE,
    /** Continue the last measured segment's slope, and say so in the answer's warning. */
    LINEAR
  }

  /** Which figure of a point to use. */
  public enum Statistic {
    MEAN,
    P99
  }

  /**
   * A latency query's answer.
   *
   * @param seconds the latency
   * @param warning empty unless the value was extrapolated beyond the measurements
   */
  public record Answer(double seconds, String warning) {
    public boolean extrapolated() {
      return !warning.isEmpty();
    }
  }

  private final List<LatencyPoint> points;
  private final int[] batches;
  private final double[] meanEnvelope;
  private final double[] p99Envelope;

  private LatencyCurve(List<LatencyPoint> sorted) {
    this.points = List.copyOf(sorted);
    int n = sorted.size();
    batches = new int[n];
    meanEnvelope = new double[n];
    p99Envelope = new double[n];
    for (int i = 0; i < n; i++) {
      LatencyPoint p = sorted.get(i);
      batches[i] = p.batchSize();
      meanEnvelope[i] = Math.max(p.meanSeconds(), i == 0 ? 0 : meanEnvelope[i - 1]);
      p99Envelope[i] = Math.max(p.p99Seconds(), i == 0 ? 0 : p99Envelope[i - 1]);
    }
  }

  /**
   * A curve through the given points (any order; batch sizes must be distinct).
   *
   * @throws IllegalArgumentException when there is no point or a batch size repeats
   */
  public static LatencyCurve of(List<LatencyPoint> points) {
    Objects.requireNonNull(points, "points");
    if (points.isEmpty()) {
      throw new IllegalArgumentException("A latency curve needs at least one measured point.");
    }
    List<LatencyPoint> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingInt(LatencyPoint::batchSize));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).batchSize() == sorted.get(i - 1).batchSize()) {
        throw new IllegalArgumentException("The batch size " + sorted.get(i).batchSize() + " is measured twice.");
      }
    }
    return new LatencyCurve(sorted);
  }

  /** The measured points, by increasing batch size. */
  public List<LatencyPoint> points() {
    return points;
  }

  /** The smallest measured batch size. */
  public int minBatch() {
    return batches[0];
  }

  /** The largest measured batch size. */
  public int maxBatch() {
    return batches[batches.length - 1];
  }

  /** The latency of a batch of {@code batchSize}, refusing to extrapolate. */
  public double seconds(int batchSize, Statistic statistic) {
    return query(batchSize, statistic, Extrapolation.REFUSE).seconds();
  }

  /** The latency of a batch of {@code batchSize}, with the given extrapolation policy. */
  public Answer query(int batchSize, Statistic statistic, Extrapolation extrapolation) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("The batch size (" + batchSize + ") must be at least 1.");
    }
    double[] y = statistic == Statistic.MEAN ? meanEnvelope : p99Envelope;
    int last = batches.length - 1;
    if (batchSize <= batches[0]) {
      return new Answer(y[0], "");
    }
    if (batchSize > batches[last]) {
      if (extrapolation == Extrapolation.REFUSE) {
        throw new IllegalArgumentException("The batch size (" + batchSize + ") is beyond the measured range "
            + batches[0] + ".." + batches[last] + ".\nMaybe allow extrapolation, or measure larger batches?");
      }
      double slope = last == 0 ? 0 : (y[last] - y[last - 1]) / (batches[last] - batches[last - 1]);
      return new Answer(y[last] + slope * (batchSize - batches[last]),
          "extrapolated from batch " + batches[last] + " to " + batchSize + " along the last measured slope");
    }
    int hi = 1;
    while (batches[hi] < batchSize) {
      hi++;
    }
    if (batches[hi] == batchSize) {
      return new Answer(y[hi], "");
    }
    int lo = hi - 1;
    double f = (double) (batchSize - batches[lo]) / (batches[hi] - batches[lo]);
    // Clamped to the segment so that rounding can never break monotonicity at a segment's end.
    return new Answer(Math.min(y[hi], Math.max(y[lo], y[lo] + f * (y[hi] - y[lo]))), "");
  }

  /**
   * This curve as the queueing models' batch latency l(b) (monotone, linear between measurements, undefined beyond
   * the largest measured batch).
   */
  public BatchLatency.Tabulated toBatchLatency(Statistic statistic) {
    return BatchLatency.tabulated(batches.clone(),
        (statistic == Statistic.MEAN ? meanEnvelope : p99Envelope).clone());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatencyCurve c && points.equals(c.points);
  }

  @Override
  public int hashCode() {
    return points.hashCode();
  }

  @Override
  public String toString() {
    return "LatencyCurve" + points;
  }
}

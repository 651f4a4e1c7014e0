package dev.scaleplan.api;

import java.util.Arrays;

/**
 * The time l(b), in seconds, that one server takes to run a batch of b requests.
 *
 * <p>Two forms: {@link Affine} {@code fixed + perItem * b}, the usual first-order model of GPU batching (a fixed
 * launch and weight-read cost plus a per-request cost; Clipper, Nexus and Clockwork all fit it), and {@link Tabulated},
 * measured points with linear interpolation between them.
 */
public sealed interface BatchLatency permits BatchLatency.Affine, BatchLatency.Tabulated {

  /** The latency in seconds of a batch of {@code batchSize} requests. */
  double seconds(int batchSize);

  /** The largest batch this function is defined for ({@link Integer#MAX_VALUE} when unbounded). */
  int maxBatchSize();

  /** {@code fixedSeconds + perItemSeconds * b}. */
  static Affine affine(double fixedSeconds, double perItemSeconds) {
    return new Affine(fixedSeconds, perItemSeconds);
  }

  /** Measured latencies at the given batch sizes; see {@link Tabulated}. */
  static Tabulated tabulated(int[] batchSizes, double[] seconds) {
    return new Tabulated(batchSizes, seconds);
  }

  /**
   * Affine latency {@code l(b) = fixedSeconds + perItemSeconds * b}.
   *
   * @param fixedSeconds per-batch cost, at least 0
   * @param perItemSeconds per-request cost, at least 0; l(1) must be above 0
   */
  record Affine(double fixedSeconds, double perItemSeconds) implements BatchLatency {
    public Affine {
      Checks.nonNegative("batch fixed latency (s)", fixedSeconds);
      Checks.nonNegative("batch per-item latency (s)", perItemSeconds);
      if (fixedSeconds + perItemSeconds <= 0) {
        throw new IllegalArgumentException(
            "The batch latency l(1) (" + (fixedSeconds + perItemSeconds) + " s) must be above 0."
                + "\nMaybe set --batch-fixed or --batch-per-item?");
      }
    }

    @Override
    public double seconds(int batchSize) {
      Checks.atLeast("batch size", batchSize, 1);
      return fixedSeconds + perItemSeconds * batchSize;
    }

    @Override
    public int maxBatchSize() {
      return Integer.MAX_VALUE;
    }

    @Override
    public String toString() {
      return Formats.number(fixedSeconds) + " s + " + Formats.number(perItemSeconds) + " s * b";
    }
  }

  /**
   * Latency measured at some batch sizes, linear in between. Below the smallest measured batch the smallest measured
   * latency holds (a smaller batch is never assumed faster than the fastest measurement); beyond the largest measured
   * batch the function is undefined and asking for it is an error, so no extrapolation happens silently.
   *
   * @param batchSizes measured batch sizes, strictly increasing, each at least 1
   * @param seconds latency at each measured batch size, finite and above 0
   */
  record Tabulated(int[] batchSizes, double[] seconds) implements BatchLatency {
    public Tabulated {
      if (batchSizes == null || seconds == null || batchSizes.length == 0) {
        throw new IllegalArgumentException("A tabulated batch latency needs at least one measured point.");
      }
      if (batchSizes.length != seconds.length) {
        throw new IllegalArgumentException("The batch sizes (" + batchSizes.length
            + " values) and latencies (" + seconds.length + " values) must have the same length.");
      }
      batchSizes = batchSizes.clone();
      seconds = seconds.clone();
      for (int i = 0; i < batchSizes.length; i++) {
        Checks.atLeast("batch size at point " + i, batchSizes[i], 1);
        Checks.positive("latency (s) at batch " + batchSizes[i], seconds[i]);
        if (i > 0 && batchSizes[i] <= batchSizes[i - 1]) {
          throw new IllegalArgumentException("The batch sizes must be strictly increasing, but " + batchSizes[i]
              + " follows " + batchSizes[i - 1] + ".");
        }
      }
    }

    @Override
    public int[] batchSizes() {
      return batchSizes.clone();
    }

    @Override
    public double[] seconds() {
      return seconds.clone();
    }

    @Override
    public double seconds(int batchSize) {
      Checks.atLeast("batch size", batchSize, 1);
      int last = batchSizes.length - 1;
      if (batchSize > batchSizes[last]) {
        throw new IllegalArgumentException("The batch size (" + batchSize + ") is beyond the measured range "
            + batchSizes[0] + ".." + batchSizes[last] + ".\nMaybe lower the max batch to " + batchSizes[last] + "?");
      }
      if (batchSize <= batchSizes[0]) {
        return seconds[0];
      }
      int i = Arrays.binarySearch(batchSizes, batchSize);
      if (i >= 0) {
        return seconds[i];
      }
      int hi = -i - 1;
      int lo = hi - 1;
      double f = (double) (batchSize - batchSizes[lo]) / (batchSizes[hi] - batchSizes[lo]);
      double value = seconds[lo] + f * (seconds[hi] - seconds[lo]);
      // Kept within the segment's ends, so rounding never makes a monotone table non-monotone.
      return Math.min(Math.max(seconds[lo], seconds[hi]), Math.max(Math.min(seconds[lo], seconds[hi]), value));
    }

    @Override
    public int maxBatchSize() {
      return batchSizes[batchSizes.length - 1];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tabulated t
          && Arrays.equals(batchSizes, t.batchSizes) && Arrays.equals(seconds, t.seconds);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(batchSizes) + Arrays.hashCode(seconds);
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("tabulated{");
      for (int i = 0; i < batchSizes.length; i++) {
        sb.append(i == 0 ? "" : ", ").append(batchSizes[i]).append(": ").append(Formats.number(seconds[i])).append(" s");
      }
      return sb.append('}').toString();
    }
  }
}

package dev.scaleplan.testkit.sim;

/**
 * A small latency histogram for timelines and policy windows: log-spaced bins from 1 microsecond to about 10^5
 * seconds, each 5% wide, so a percentile is known to within 5% (the run's totals use HdrHistogram, to 0.1%).
 */
final class LogHistogram {
  static final double MIN = 1e-6;
  static final double RATIO = 1.05;
  static final int BINS = (int) Math.ceil(Math.log(1e11) / Math.log(RATIO)) + 2;
  private static final double INV_LOG_RATIO = 1 / Math.log(RATIO);

  private final int[] counts = new int[BINS];
  private long total;

  void record(double seconds) {
    int bin = seconds <= MIN ? 0 : Math.min(BINS - 1, 1 + (int) (Math.log(seconds / MIN) * INV_LOG_RATIO));
    counts[bin]++;
    total++;
  }

  long count() {
    return total;
  }

  /** The p-th percentile (0 to 100): the upper edge of the bin that holds it; -1 when empty. */
  double percentile(double p) {
    if (total == 0) {
      return -1;
    }
    long rank = Math.max(1, (long) Math.ceil(p / 100 * total));
    long seen = 0;
    for (int b = 0; b < BINS; b++) {
      seen += counts[b];
      if (seen >= rank) {
        return MIN * Math.pow(RATIO, b);
      }
    }
    return MIN * Math.pow(RATIO, BINS - 1);
  }

  void clear() {
    java.util.Arrays.fill(counts, 0);
    total = 0;
  }
}

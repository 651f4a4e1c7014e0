package dev.scaleplan.testkit.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The Azure Functions trace 2019 (Shahrad et al., "Serverless in the Wild", USENIX ATC 2020; Azure Public Dataset,
 * CC-BY 4.0), the per-minute invocation counts files: {@code HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440},
 * one row per function, one column per minute of the day. Counts are expanded to arrivals by a {@link MinuteRule};
 * the key is {@code HashApp/HashFunction}; times are seconds from the start of the first minute column. The file is
 * read whole, keeping only the non-zero counts (8 bytes each), and arrivals are made one minute at a time, sorted to
 * the nanosecond.
 */
final class Functions2019Stream implements ArrivalStream {
  private static final int KEY_BITS = 27;
  private static final long KEY_MASK = (1L << KEY_BITS) - 1;
  private static final long NANOS_PER_MINUTE = 60_000_000_000L;

  private final List<String> names;
  /** Per minute, pairs packed as {@code row << 32 | count}. */
  private final long[][] buckets;
  private final MinuteRule rule;
  private final SplittableRandom random;
  private final long skipped;
  private int minute = -1;
  /** The current minute's arrivals packed as {@code nanosIntoMinute << KEY_BITS | row}, sorted. */
  private long[] current = new long[16];
  private int size;
  private int at;

  private Functions2019Stream(List<String> names, long[][] buckets, MinuteRule rule, long seed, long skipped) {
    this.names = names;
    this.buckets = buckets;
    this.rule = rule;
    this.random = new SplittableRandom(seed);
    this.skipped = skipped;
  }

  static Functions2019Stream read(Lines lines, boolean skipMalformed, MinuteRule rule, long seed) {
    try (lines) {
      String header = lines.next();
      String[] h = header == null ? new String[0] : header.split(",", -1);
      int minutes = h.length - 4;
      boolean ok = minutes >= 1 && h[0].strip().equalsIgnoreCase("HashOwner")
          && h[1].strip().equalsIgnoreCase("HashApp") && h[2].strip().equalsIgnoreCase("HashFunction")
          && h[3].strip().equalsIgnoreCase("Trigger");
      for (int m = 0; ok && m < minutes; m++) {
        ok = h[4 + m].strip().equals(Integer.toString(m + 1));
      }
      if (!ok) {
        throw lines.error("expected the header 'HashOwner,HashApp,HashFunction,Trigger,1,2,...' of the Azure "
            + "Functions 2019 per-minute counts, found " + (header == null ? "an empty file" : Lines.quote(header))
            + ".");
      }
      List<String> names = new ArrayList<>();
      long[][] buckets = new long[minutes][];
      int[] sizes = new int[minutes];
      long skipped = 0;
      long[] counts = new long[minutes];
      for (String line = lines.next(); line != null; line = lines.next()) {
        if (line.isBlank()) {
          continue;
        }
        try {
          String[] f = line.split(",", -1);
          if (f.length != minutes + 4) {
            throw lines.error("expected " + (minutes + 4) + " comma-separated fields (4 hashes and " + minutes
                + " minutes), found " + f.length + ".");
          }
          if (f[1].isBlank() || f[2].isBlank()) {
            throw lines.error("the HashApp and HashFunction must not be blank.");
          }
          for (int m = 0; m < minutes; m++) {
            counts[m] = Lines.count(lines, "count of minute " + (m + 1), f[4 + m]);
            if (counts[m] > Integer.MAX_VALUE) {
              throw lines.error("the count of minute " + (m + 1) + " (" + counts[m] + ") must be at most "
                  + Integer.MAX_VALUE + ".");
            }
          }
          if (names.size() > KEY_MASK) {
            throw lines.error("more than " + KEY_MASK + " functions in one file.");
          }
          int row = names.size();
          names.add(f[1].strip() + "/" + f[2].strip());
          for (int m = 0; m < minutes; m++) {
            if (counts[m] > 0) {
              if (buckets[m] == null) {
                buckets[m] = new long[4];
              } else if (sizes[m] == buckets[m].length) {
                buckets[m] = Arrays.copyOf(buckets[m], 2 * sizes[m]);
              }
              buckets[m][sizes[m]++] = (long) row << 32 | counts[m];
            }
          }
        } catch (TraceFormatException e) {
          if (!skipMalformed) {
            throw e;
          }
          skipped++;
        }
      }
      for (int m = 0; m < minutes; m++) {
        buckets[m] = buckets[m] == null ? new long[0] : Arrays.copyOf(buckets[m], sizes[m]);
      }
      return new Functions2019Stream(names, buckets, rule, seed, skipped);
    }
  }

  @Override
  public boolean advance() {
    at++;
    while (at >= size) {
      if (minute + 1 >= buckets.length) {
        return false;
      }
      minute++;
      fill(buckets[minute]);
      at = 0;
    }
    return true;
  }

  private void fill(long[] pairs) {
    long total = 0;
    for (long p : pairs) {
      total += p & 0xffffffffL;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("Minute " + (minute + 1) + " holds " + total + " invocations, more than one "
          + "array can hold.");
    }
    if (current.length < total) {
      current = new long[(int) Math.max(total, 2L * current.length)];
    }
    size = 0;
    for (long p : pairs) {
      long row = p >>> 32;
      int n = (int) (p & 0xffffffffL);
      for (int i = 0; i < n; i++) {
        long nanos = rule == MinuteRule.EVEN
            ? (long) ((i + 0.5) / n * NANOS_PER_MINUTE)
            : random.nextLong(NANOS_PER_MINUTE);
        current[size++] = nanos << KEY_BITS | row;
      }
    }
    Arrays.sort(current, 0, size);
  }

  @Override
  public double seconds() {
    return (minute * NANOS_PER_MINUTE + (current[at] >>> KEY_BITS)) / 1e9;
  }

  @Override
  public String key() {
    return names.get((int) (current[at] & KEY_MASK));
  }

  @Override
  public long skipped() {
    return skipped;
  }
}

package dev.scaleplan.testkit.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * Requests in arrival order, one at a time, without allocating per request: {@link #advance()} moves to the next one
 * and the accessors describe it. Readers of files hold the file open until {@link #close()}.
 *
 * <p>Times are in seconds from the trace's start (its first request for the recorded traces). Where a format does
 * not record a field, its accessor returns -1 (tokens, duration) or the empty text (key).
 */
public interface ArrivalStream extends AutoCloseable {
  /** Moves to the next request; false at the end (then the accessors are undefined). */
  boolean advance();

  /** The current request's arrival time in seconds, non-decreasing from one request to the next. */
  double seconds();

  /** Which model, function or application the request is for, or the empty text when the format has none. */
  default String key() {
    return "";
  }

  /** The prompt (context) tokens, or -1 when the format does not record them. */
  default long inputTokens() {
    return -1;
  }

  /** The generated (output) tokens, or -1. */
  default long outputTokens() {
    return -1;
  }

  /** The recorded execution time in seconds, or -1. */
  default double durationSeconds() {
    return -1;
  }

  /** How many malformed lines were skipped so far (0 unless skipping was asked for). */
  default long skipped() {
    return 0;
  }

  /** Releases the file, if any. */
  @Override
  default void close() {}

  /** The rest of the stream as a list (allocates one {@link Arrival} per request), then closes it. */
  default List<Arrival> toList() {
    List<Arrival> out = new ArrayList<>();
    try (this) {
      while (advance()) {
        out.add(new Arrival(seconds(), key(), inputTokens(), outputTokens(), durationSeconds()));
      }
    }
    return out;
  }

  /** The rest of the stream's arrival times, then closes it. */
  default double[] times() {
    double[] out = new double[1024];
    int n = 0;
    try (this) {
      while (advance()) {
        if (n == out.length) {
          out = java.util.Arrays.copyOf(out, 2 * n);
        }
        out[n++] = seconds();
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}

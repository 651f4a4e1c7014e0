package dev.scaleplan.testkit.trace;

/**
 * A stream that parses one request per line: blank lines are passed over, a malformed line is an error or, when
 * asked, skipped and counted; times must not go back.
 */
abstract class LineStream implements ArrivalStream {
  final Lines lines;
  private final boolean skipMalformed;
  private long skipped;
  private double seconds = Double.NEGATIVE_INFINITY;
  private boolean first = true;

  LineStream(Lines lines, boolean skipMalformed) {
    this.lines = lines;
    this.skipMalformed = skipMalformed;
  }

  /** The next line to parse, or null at the end. */
  String nextLine() {
    return lines.next();
  }

  /** Parses one non-blank line; returns its time in the trace's own units (seconds, any origin). */
  abstract double parse(String line);

  /** Called with the first request's raw time, before any is returned. */
  void origin(double raw) {}

  /** The raw time relative to the origin. */
  abstract double relative(double raw);

  @Override
  public final boolean advance() {
    for (String line = nextLine(); line != null; line = nextLine()) {
      if (line.isBlank()) {
        continue;
      }
      try {
        double raw = parse(line);
        if (first) {
          origin(raw);
        }
        double t = relative(raw);
        if (t < seconds) {
          throw lines.error("the time goes back (" + t + " s after the start, after " + seconds + " s); a trace "
              + "must be in arrival order.");
        }
        first = false;
        seconds = t;
        return true;
      } catch (TraceFormatException e) {
        if (!skipMalformed) {
          throw e;
        }
        skipped++;
      }
    }
    return false;
  }

  @Override
  public final double seconds() {
    return seconds;
  }

  @Override
  public final long skipped() {
    return skipped;
  }

  @Override
  public final void close() {
    lines.close();
  }

  /** The fields of a comma-separated line, exactly {@code count} of them. */
  String[] fields(String line, int count, String what) {
    String[] f = line.split(",", -1);
    if (f.length != count) {
      throw lines.error("expected " + count + " comma-separated fields (" + what + "), found " + f.length + " in "
          + Lines.quote(line) + ".");
    }
    return f;
  }
}

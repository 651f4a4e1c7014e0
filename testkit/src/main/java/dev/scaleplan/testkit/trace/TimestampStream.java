package dev.scaleplan.testkit.trace;

/**
 * A plain CSV of arrival times in seconds, one request per line, in the first column (other columns ignored); a
 * first line whose first field is not a number is taken as a header. Times are relative to the first request.
 */
final class TimestampStream extends LineStream {
  private double origin;
  private String pending;

  TimestampStream(Lines lines, boolean skipMalformed) {
    super(lines, skipMalformed);
    String first = lines.next();
    while (first != null && first.isBlank()) {
      first = lines.next();
    }
    if (first != null) {
      String field = firstField(first);
      try {
        Double.parseDouble(field);
        pending = first;  // data, not a header
      } catch (NumberFormatException e) {
        pending = null;  // a header
      }
    }
  }

  private static String firstField(String line) {
    int comma = line.indexOf(',');
    return (comma < 0 ? line : line.substring(0, comma)).strip();
  }

  @Override
  double parse(String line) {
    return Lines.number(lines, "time (seconds)", firstField(line));
  }

  @Override
  double relative(double raw) {
    return raw - origin;
  }

  @Override
  void origin(double raw) {
    origin = raw;
  }

  /** The first data line, read while looking for a header, comes before the rest. */
  @Override
  String nextLine() {
    if (pending != null) {
      String p = pending;
      pending = null;
      return p;
    }
    return lines.next();
  }
}

package dev.scaleplan.testkit.trace;

/**
 * The Azure LLM inference trace 2023 (Patel et al., "Splitwise", ISCA 2024; Azure Public Dataset, CC-BY 4.0):
 * {@code TIMESTAMP,ContextTokens,GeneratedTokens} with timestamps like {@code 2023-11-16 18:17:03.9799600}.
 * Times are taken relative to the first request, computed from whole seconds and the fraction apart so that
 * nothing is lost to rounding an absolute epoch time.
 */
final class AzureLlmStream extends LineStream {
  static final String HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";

  private long input;
  private long output;
  /** The current request's day and whole second (as epoch second) and nanoseconds. */
  private long wholeSeconds;
  private long nanos;
  private long originSeconds;
  private long originNanos;
  private String lastDate = "";
  private long lastDay;

  AzureLlmStream(Lines lines, boolean skipMalformed) {
    super(lines, skipMalformed);
    String header = lines.next();
    if (header == null || !header.strip().equalsIgnoreCase(HEADER)) {
      throw lines.error("expected the header '" + HEADER + "' of the Azure LLM 2023 trace, found "
          + (header == null ? "an empty file" : Lines.quote(header)) + ".");
    }
  }

  @Override
  double parse(String line) {
    String[] f = fields(line, 3, HEADER);
    parseTimestamp(f[0].strip());
    long in = Lines.count(lines, "ContextTokens", f[1]);
    long out = Lines.count(lines, "GeneratedTokens", f[2]);
    input = in;
    output = out;
    return 0;  // the time is kept exactly in wholeSeconds and nanos
  }

  private void parseTimestamp(String ts) {
    int space = ts.indexOf(' ');
    if (space != 10 || ts.length() < 19 || ts.charAt(13) != ':' || ts.charAt(16) != ':') {
      throw lines.error("the TIMESTAMP (" + Lines.quote(ts) + ") must look like 2023-11-16 18:17:03.9799600.");
    }
    String date = ts.substring(0, 10);
    try {
      if (!date.equals(lastDate)) {
        lastDay = java.time.LocalDate.parse(date).toEpochDay();
        lastDate = date;
      }
      int h = Integer.parseInt(ts.substring(11, 13));
      int m = Integer.parseInt(ts.substring(14, 16));
      int s = Integer.parseInt(ts.substring(17, 19));
      long frac = 0;
      if (ts.length() > 19) {
        if (ts.charAt(19) != '.' || ts.length() == 20 || ts.length() > 29) {
          throw new NumberFormatException();
        }
        String digits = ts.substring(20);
        frac = Long.parseLong(digits);
        if (frac < 0) {
          throw new NumberFormatException();
        }
        for (int i = digits.length(); i < 9; i++) {
          frac *= 10;
        }
      }
      if (h > 23 || m > 59 || s > 60 || h < 0 || m < 0 || s < 0) {
        throw new NumberFormatException();
      }
      wholeSeconds = lastDay * 86_400 + h * 3600L + m * 60L + s;
      nanos = frac;
    } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
      lastDate = "";
      throw lines.error("the TIMESTAMP (" + Lines.quote(ts) + ") must look like 2023-11-16 18:17:03.9799600.");
    }
  }

  @Override
  void origin(double raw) {
    originSeconds = wholeSeconds;
    originNanos = nanos;
  }

  @Override
  double relative(double raw) {
    return (wholeSeconds - originSeconds) + (nanos - originNanos) * 1e-9;
  }

  @Override
  public long inputTokens() {
    return input;
  }

  @Override
  public long outputTokens() {
    return output;
  }
}

package dev.scaleplan.testkit.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Trace readers behind one interface, by format name. Plain or gzip files (recognised by their first bytes). Times
 * are seconds from the trace's start: its first request, or for per-minute counts the start of the first minute.
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>name</th><th>columns</th><th>reading</th></tr>
 *   <tr><td>{@code azure-llm}</td><td>{@code TIMESTAMP,ContextTokens,GeneratedTokens}</td><td>streamed</td></tr>
 *   <tr><td>{@code azure-functions-2021}</td><td>{@code app,func,end_timestamp,duration}</td>
 *       <td>read whole, sorted by arrival = end - duration</td></tr>
 *   <tr><td>{@code azure-functions-2019}</td><td>{@code HashOwner,HashApp,HashFunction,Trigger,1..1440}</td>
 *       <td>read whole (non-zero counts), minutes expanded by a {@link MinuteRule}</td></tr>
 *   <tr><td>{@code timestamps}</td><td>seconds in the first column, optional header</td><td>streamed</td></tr>
 * </table>
 *
 * <p>A malformed line is a {@link TraceFormatException} naming the file and line, or, with
 * {@link Options#skipMalformed()}, skipped and counted ({@link ArrivalStream#skipped()}). A bad header is always an
 * error.
 */
public final class Traces {
  /** The format names, in the order of the table above. */
  public static final List<String> FORMATS = List.of("azure-llm", "azure-functions-2021", "azure-functions-2019",
      "timestamps");

  private Traces() {}

  /**
   * How to read.
   *
   * @param skipMalformed skip and count malformed lines instead of failing on the first
   * @param minuteRule how per-minute counts become arrival times
   * @param seed the seed of {@link MinuteRule#POISSON}
   */
  public record Options(boolean skipMalformed, MinuteRule minuteRule, long seed) {
    /** Fail on the first malformed line; per-minute counts evenly spaced. */
    public static final Options DEFAULT = new Options(false, MinuteRule.EVEN, 1);

    public Options {
      Objects.requireNonNull(minuteRule, "minuteRule");
    }

    /** The same options, skipping malformed lines. */
    public Options skippingMalformed() {
      return new Options(true, minuteRule, seed);
    }
  }

  /** Opens {@code file} in the named format with the default options. */
  public static ArrivalStream open(Path file, String format) throws IOException {
    return open(file, format, Options.DEFAULT);
  }

  /**
   * Opens {@code file} in the named format (one of {@link #FORMATS}, case-insensitive).
   *
   * @throws IllegalArgumentException for an unknown format
   * @throws TraceFormatException for a bad header, or a malformed line when not skipping (later lines throw from
   *     {@link ArrivalStream#advance()})
   * @throws IOException when the file cannot be read
   */
  public static ArrivalStream open(Path file, String format, Options options) throws IOException {
    Objects.requireNonNull(file, "file");
    String name = formatName(format);
    return open(Lines.open(file), name, options);
  }

  /**
   * Reads {@code in} (plain or gzip) in the named format; {@code name} stands for the source in messages. The stream
   * is closed with the returned one, or at once for the formats read whole.
   */
  public static ArrivalStream open(java.io.InputStream in, String name, String format, Options options)
      throws IOException {
    Objects.requireNonNull(in, "in");
    String f = formatName(format);
    return open(Lines.open(in, Objects.requireNonNull(name, "name")), f, options);
  }

  private static String formatName(String format) {
    String name = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
    if (!FORMATS.contains(name)) {
      throw new IllegalArgumentException("There is no trace format '" + format + "'; the formats are " + FORMATS
          + ".");
    }
    return name;
  }

  private static ArrivalStream open(Lines lines, String name, Options options) {
    Objects.requireNonNull(options, "options");
    try {
      return switch (name) {
        case "azure-llm" -> new AzureLlmStream(lines, options.skipMalformed());
        case "azure-functions-2021" -> Functions2021Reader.read(lines, options.skipMalformed());
        case "azure-functions-2019" -> Functions2019Stream.read(lines, options.skipMalformed(), options.minuteRule(),
            options.seed());
        default -> new TimestampStream(lines, options.skipMalformed());
      };
    } catch (RuntimeException e) {
      lines.close();
      throw e;
    }
  }
}

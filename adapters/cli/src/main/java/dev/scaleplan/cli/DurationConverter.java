package dev.scaleplan.cli;

import java.util.Locale;
import picocli.CommandLine;

/**
 * Reads a duration in seconds: a plain number ({@code 0.25}) or a number with a unit, {@code 250ms}, {@code 0.25s}
 * or {@code 250us}. Rejects NaN, infinities and unknown units with a message naming the value.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Double> {
  @Override
  public Double convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    double scale = 1;
    if (v.endsWith("ms")) {
      scale = 1e-3;
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("us") || v.endsWith("µs")) {
      scale = 1e-6;
      v = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      v = v.substring(0, v.length() - 1);
    }
    double x;
    try {
      x = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration; expected seconds such as 0.25, or 250ms, 0.25s, 250us");
    }
    if (!Double.isFinite(x)) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a finite duration");
    }
    return x * scale;
  }
}

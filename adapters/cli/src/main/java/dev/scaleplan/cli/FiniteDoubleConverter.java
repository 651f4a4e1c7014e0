package dev.scaleplan.cli;

import picocli.CommandLine;

/** Reads a plain finite number; NaN and infinities are refused here so that messages name the option's text. */
final class FiniteDoubleConverter implements CommandLine.ITypeConverter<Double> {
  @Override
  public Double convert(String value) {
    double x;
    try {
      x = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a number");
    }
    if (!Double.isFinite(x)) {
      throw new CommandLine.TypeConversionException("'" + value + "' is not a finite number");
    }
    return x;
  }
}

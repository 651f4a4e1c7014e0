package dev.scaleplan.api;

import java.math.BigDecimal;

/** Shortest faithful decimal rendering of numbers for messages and {@code toString()}. */
final class Formats {
  private Formats() {}

  static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }
}

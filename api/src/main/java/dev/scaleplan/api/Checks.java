package dev.scaleplan.api;

/**
 * Argument checks shared by the value types of every module. Each failure names the argument and its value, in the
 * form {@code The maxBatch (0) must be at least 1.}, so a user reading only the message can fix the input.
 */
public final class Checks {
  private Checks() {}

  /** Requires a finite value that is zero or more. */
  public static double nonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "The " + name + " (" + value + ") must be a finite number at least 0.");
    }
    return value;
  }

  /** Requires a finite value above zero. */
  public static double positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          "The " + name + " (" + value + ") must be a finite number above 0.");
    }
    return value;
  }

  /** Requires an integer at least {@code min}. */
  public static int atLeast(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException("The " + name + " (" + value + ") must be at least " + min + ".");
    }
    return value;
  }

  /** Requires a percentile strictly between 0 and 100 (99 means the 99th percentile). */
  public static double percentile(String name, double value) {
    if (!(value > 0 && value < 100)) {
      throw new IllegalArgumentException(
          "The " + name + " (" + value + ") must be a percentile strictly between 0 and 100, such as 99.");
    }
    return value;
  }

  /** Requires a probability in the closed interval [0, 1]. */
  public static double probability(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("The " + name + " (" + value + ") must be a probability in [0, 1].");
    }
    return value;
  }
}

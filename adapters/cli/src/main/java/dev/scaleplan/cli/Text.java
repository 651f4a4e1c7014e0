package dev.scaleplan.cli;

import dev.scaleplan.queueing.Estimate;
import dev.scaleplan.queueing.Method;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/** Number, time and table formatting for human output. */
final class Text {
  private Text() {}

  /** Six significant digits, no exponent for everyday magnitudes. */
  static String number(double x) {
    if (Double.isInfinite(x)) {
      return x > 0 ? "infinite" : "-infinite";
    }
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) x);
    }
    String s = String.format(Locale.ROOT, "%.6g", x);
    if (s.contains("e")) {
      return s;
    }
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** A duration with a readable unit: 1.234 s, 12.3 ms, 45.6 us. */
  static String seconds(double s) {
    if (Double.isInfinite(s)) {
      return "infinite";
    }
    if (s == 0) {
      return "0";
    }
    double a = Math.abs(s);
    if (a >= 1) {
      return number(s) + " s";
    }
    if (a >= 1e-3) {
      return number(s * 1e3) + " ms";
    }
    return number(s * 1e6) + " us";
  }

  /** The method label, with the confidence interval for simulated figures. */
  static String method(Estimate e, DoubleFunction<String> format) {
    if (e.method() != Method.SIMULATION) {
      return e.method().label();
    }
    return "simulation, +/- " + format.apply(e.halfWidth());
  }

  /** JSON has no infinity: delays of an unstable queue are written as null (and "stable" is false). */
  static Double jsonNumber(double x) {
    return Double.isFinite(x) ? x : null;
  }

  /** A left-aligned text table. */
  static final class Table {
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
      rows.add(header);
    }

    void row(String... cells) {
      rows.add(cells);
    }

    void print(PrintWriter out) {
      int columns = rows.get(0).length;
      int[] width = new int[columns];
      for (String[] r : rows) {
        for (int i = 0; i < columns; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      for (String[] r : rows) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns; i++) {
          sb.append(i == 0 ? "" : "  ").append(r[i]);
          if (i < columns - 1) {
            sb.append(" ".repeat(width[i] - r[i].length()));
          }
        }
        out.println(sb.toString().stripTrailing());
      }
    }
  }
}

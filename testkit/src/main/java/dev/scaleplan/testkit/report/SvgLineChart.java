package dev.scaleplan.testkit.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A small, dependency-free line chart written as SVG: named series of (x, y) points, linear axes with round ticks,
 * an optional horizontal reference line (an SLO target, say) and a legend. Points with a non-finite y (an unstable
 * queue's delay) end a line segment instead of being drawn.
 */
public final class SvgLineChart {
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  private static final int WIDTH = 720;
  private static final int HEIGHT = 420;
  private static final int LEFT = 70;
  private static final int RIGHT = 170;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final List<Series> series = new ArrayList<>();
  private Double reference;
  private String referenceLabel = "";
  private double yLimit = Double.POSITIVE_INFINITY;

  /** One named line. */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      Objects.requireNonNull(name, "name");
      if (x.length != y.length || x.length == 0) {
        throw new IllegalArgumentException("The series '" + name + "' needs as many x (" + x.length + ") as y ("
            + y.length + ") values, at least one.");
      }
      x = x.clone();
      y = y.clone();
    }
  }

  public SvgLineChart(String title, String xLabel, String yLabel) {
    this.title = Objects.requireNonNull(title, "title");
    this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
    this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
  }

  public SvgLineChart add(String name, double[] x, double[] y) {
    series.add(new Series(name, x, y));
    return this;
  }

  /** Draws a dashed horizontal line at {@code y}. */
  public SvgLineChart reference(double y, String label) {
    this.reference = y;
    this.referenceLabel = Objects.requireNonNull(label, "label");
    return this;
  }

  /** Caps the y axis at {@code limit}; lines stop where they leave the chart (a queue near saturation, say). */
  public SvgLineChart yLimit(double limit) {
    if (!(limit > 0)) {
      throw new IllegalArgumentException("The y limit (" + limit + ") must be above 0.");
    }
    this.yLimit = limit;
    return this;
  }

  /** The chart as an SVG document. */
  public String render() {
    if (series.isEmpty()) {
      throw new IllegalStateException("The chart '" + title + "' has no series.");
    }
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMax = reference == null ? 0 : reference;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        xMin = Math.min(xMin, s.x()[i]);
        xMax = Math.max(xMax, s.x()[i]);
        if (Double.isFinite(s.y()[i])) {
          yMax = Math.max(yMax, Math.min(yLimit, s.y()[i]));
        }
      }
    }
    double[] xTicks = ticks(Math.min(0, xMin), xMax);
    double[] yTicks = ticks(0, yMax);
    double x0 = xTicks[0];
    double x1 = xTicks[xTicks.length - 1];
    double y1 = yTicks[yTicks.length - 1];
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(text(LEFT + plotW / 2.0, 22, title, "middle", 15));
    for (double t : xTicks) {
      double px = LEFT + (t - x0) / (x1 - x0) * plotW;
      svg.append(line(px, TOP, px, TOP + plotH, "#eeeeee", ""));
      svg.append(text(px, TOP + plotH + 18, label(t), "middle", 12));
    }
    for (double t : yTicks) {
      double py = TOP + plotH - t / y1 * plotH;
      svg.append(line(LEFT, py, LEFT + plotW, py, "#eeeeee", ""));
      svg.append(text(LEFT - 8, py + 4, label(t), "end", 12));
    }
    svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "black", ""));
    svg.append(line(LEFT, TOP, LEFT, TOP + plotH, "black", ""));
    svg.append(text(LEFT + plotW / 2.0, HEIGHT - 12, xLabel, "middle", 13));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 16 %.1f)\">%s</text>%n",
        TOP + plotH / 2.0, TOP + plotH / 2.0, escape(yLabel)));
    if (reference != null) {
      double py = TOP + plotH - reference / y1 * plotH;
      svg.append(line(LEFT, py, LEFT + plotW, py, "#555555", " stroke-dasharray=\"6 4\""));
      svg.append(text(LEFT + plotW + 6, py + 4, referenceLabel, "start", 12));
    }
    for (int k = 0; k < series.size(); k++) {
      Series s = series.get(k);
      String colour = COLOURS[k % COLOURS.length];
      StringBuilder path = new StringBuilder();
      boolean pen = false;
      for (int i = 0; i < s.x().length; i++) {
        double y = s.y()[i];
        if (!Double.isFinite(y) || y > y1) {
          pen = false;
          continue;
        }
        double px = LEFT + (s.x()[i] - x0) / (x1 - x0) * plotW;
        double py = TOP + plotH - y / y1 * plotH;
        path.append(pen ? " L " : (path.length() == 0 ? "M " : " M ")).append(fmt(px)).append(' ').append(fmt(py));
        pen = true;
      }
      svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour)
          .append("\" stroke-width=\"2\"/>\n");
      double ly = TOP + 16 + 20 * k;
      svg.append(line(LEFT + plotW + 10, ly - 4, LEFT + plotW + 34, ly - 4, colour, " stroke-width=\"2\""));
      svg.append(text(LEFT + plotW + 40, ly, s.name(), "start", 12));
    }
    return svg.append("</svg>\n").toString();
  }

  /** About five round ticks from {@code lo} to at least {@code hi}. */
  static double[] ticks(double lo, double hi) {
    if (!(hi > lo)) {
      hi = lo + 1;
    }
    double raw = (hi - lo) / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = magnitude * (raw / magnitude <= 1 ? 1 : raw / magnitude <= 2 ? 2 : raw / magnitude <= 5 ? 5 : 10);
    double start = Math.floor(lo / step) * step;
    int n = (int) Math.ceil((hi - start) / step - 1e-9);
    double[] t = new double[n + 1];
    for (int i = 0; i <= n; i++) {
      t[i] = start + i * step;
    }
    return t;
  }

  private static String line(double xa, double ya, double xb, double yb, String colour, String extra) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>%n",
        xa, ya, xb, yb, colour, extra);
  }

  private static String text(double x, double y, String s, String anchor, int size) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
        x, y, anchor, size, escape(s));
  }

  private static String label(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

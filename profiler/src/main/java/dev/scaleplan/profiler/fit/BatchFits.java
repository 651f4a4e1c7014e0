package dev.scaleplan.profiler.fit;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyPoint;
import java.util.List;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Fits of latency against batch size, on a curve's mean latencies.
 *
 * <ul>
 *   <li>{@link #affine}: {@code l(b) = fixed + perItem * b} by least squares with both coefficients kept at or above
 *       zero (the two-variable non-negative least squares: the unconstrained fit when it is non-negative, otherwise the
 *       better of the two boundary fits, through the origin or constant), the first-order model of Clipper, Nexus
 *       and Clockwork;
 *   <li>{@link #monotone}: the isotonic (non-decreasing) least-squares fit by the pool-adjacent-violators algorithm
 *       (Barlow et al., "Statistical Inference under Order Restrictions", 1972), piecewise linear between the measured
 *       batch sizes: the closest monotone curve to noisy data.
 * </ul>
 * The piecewise-linear fit through the measurements themselves is the curve's own query ({@link LatencyCurve}).
 */
public final class BatchFits {
  private BatchFits() {}

  /** An affine fit and its quality. */
  public record Affine(double fixedSeconds, double perItemSeconds, FitQuality quality) {
    /** As the queueing models' batch latency. */
    public BatchLatency.Affine toBatchLatency() {
      return BatchLatency.affine(fixedSeconds, perItemSeconds);
    }
  }

  /** A monotone fit: the fitted latency at each measured batch size, and its quality. */
  public record Monotone(int[] batchSizes, double[] seconds, FitQuality quality) {
    public Monotone {
      batchSizes = batchSizes.clone();
      seconds = seconds.clone();
    }

    @Override
    public int[] batchSizes() {
      return batchSizes.clone();
    }

    @Override
    public double[] seconds() {
      return seconds.clone();
    }

    /** As the queueing models' batch latency (linear between the measured batch sizes). */
    public BatchLatency.Tabulated toBatchLatency() {
      return BatchLatency.tabulated(batchSizes, seconds);
    }
  }

  /**
   * The profile with every curve replaced by its monotone fit (means and p99s fitted separately; a p99 below its
   * fitted mean is raised to it).
   */
  public static dev.scaleplan.profiler.LatencyProfile monotone(dev.scaleplan.profiler.LatencyProfile profile) {
    dev.scaleplan.profiler.LatencyProfile.Builder b = dev.scaleplan.profiler.LatencyProfile.builder(profile.model())
        .source(profile.source().isEmpty() ? "monotone (isotonic) fit" : profile.source()
            + "\nmonotone (isotonic least-squares) fit by scaleplan").facts(profile.facts());
    profile.curves().forEach((key, curve) -> {
      Monotone mean = monotone(curve, LatencyCurve.Statistic.MEAN);
      Monotone p99 = monotone(curve, LatencyCurve.Statistic.P99);
      for (int i = 0; i < mean.batchSizes.length; i++) {
        b.add(key, new LatencyPoint(mean.batchSizes[i], mean.seconds[i], Math.max(mean.seconds[i], p99.seconds[i])));
      }
    });
    return b.build();
  }

  /** The non-negative affine least-squares fit to the curve's mean latencies. */
  public static Affine affine(LatencyCurve curve) {
    List<LatencyPoint> points = curve.points();
    double[] x = points.stream().mapToDouble(LatencyPoint::batchSize).toArray();
    double[] y = points.stream().mapToDouble(LatencyPoint::meanSeconds).toArray();
    double fixed;
    double perItem;
    if (x.length == 1) {
      fixed = y[0];
      perItem = 0;
    } else {
      SimpleRegression ols = new SimpleRegression(true);
      for (int i = 0; i < x.length; i++) {
        ols.addData(x[i], y[i]);
      }
      fixed = ols.getIntercept();
      perItem = ols.getSlope();
      if (fixed < 0 || perItem < 0) {
        SimpleRegression origin = new SimpleRegression(false);
        double mean = 0;
        for (int i = 0; i < x.length; i++) {
          origin.addData(x[i], y[i]);
          mean += y[i] / x.length;
        }
        double slope = Math.max(0, origin.getSlope());
        double sseOrigin = sse(x, y, 0, slope);
        double sseConstant = sse(x, y, mean, 0);
        if (sseOrigin <= sseConstant) {
          fixed = 0;
          perItem = slope;
        } else {
          fixed = mean;
          perItem = 0;
        }
      }
    }
    double[] fitted = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      fitted[i] = fixed + perItem * x[i];
    }
    return new Affine(fixed, perItem, FitQuality.of(y, fitted));
  }

  /** The isotonic least-squares fit to the curve's mean latencies (pool adjacent violators, equal weights). */
  public static Monotone monotone(LatencyCurve curve) {
    return monotone(curve, LatencyCurve.Statistic.MEAN);
  }

  /** The isotonic least-squares fit to the curve's mean or p99 latencies. */
  public static Monotone monotone(LatencyCurve curve, LatencyCurve.Statistic statistic) {
    List<LatencyPoint> points = curve.points();
    int n = points.size();
    double[] y = points.stream().mapToDouble(statistic == LatencyCurve.Statistic.MEAN
        ? LatencyPoint::meanSeconds : LatencyPoint::p99Seconds).toArray();
    double[] blockMean = new double[n];
    int[] blockSize = new int[n];
    int blocks = 0;
    for (int i = 0; i < n; i++) {
      blockMean[blocks] = y[i];
      blockSize[blocks] = 1;
      blocks++;
      while (blocks > 1 && blockMean[blocks - 2] > blockMean[blocks - 1]) {
        int merged = blockSize[blocks - 2] + blockSize[blocks - 1];
        blockMean[blocks - 2] = (blockMean[blocks - 2] * blockSize[blocks - 2]
            + blockMean[blocks - 1] * blockSize[blocks - 1]) / merged;
        blockSize[blocks - 2] = merged;
        blocks--;
      }
    }
    double[] fitted = new double[n];
    int i = 0;
    for (int b = 0; b < blocks; b++) {
      for (int k = 0; k < blockSize[b]; k++) {
        fitted[i++] = blockMean[b];
      }
    }
    int[] batches = points.stream().mapToInt(LatencyPoint::batchSize).toArray();
    return new Monotone(batches, fitted, FitQuality.of(y, fitted));
  }

  private static double sse(double[] x, double[] y, double a, double k) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double r = a + k * x[i] - y[i];
      s += r * r;
    }
    return s;
  }
}

package dev.scaleplan.profiler.fit;

import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyCurve.Statistic;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.ProfileKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Latency against parallel degree p (GPUs per instance, tensor-parallel degree) at a fixed batch, Amdahl-style:
 * <pre>
 *   l(p) = serial + parallel / p + communication * log2(p)
 * </pre>
 * a part no GPU count shortens, a part split evenly across p GPUs (Amdahl, AFIPS 1967), and a collective-communication
 * part growing with the depth of a tree or ring of p GPUs. Fitted by ordinary least squares (Commons Math); with only
 * three degrees measured the three coefficients fit them exactly, and with two the communication term is dropped.
 *
 * @param serialSeconds the part that does not shrink with p
 * @param parallelSeconds the part divided by p (the one-GPU work that parallelises)
 * @param communicationSeconds the cost per doubling of p
 * @param quality fit quality over the measured degrees
 */
public record ParallelFit(double serialSeconds, double parallelSeconds, double communicationSeconds,
    FitQuality quality) {

  /** The fitted latency at degree {@code p}. */
  public double seconds(int p) {
    return serialSeconds + parallelSeconds / p + communicationSeconds * (Math.log(p) / Math.log(2));
  }

  /**
   * Fits the mean latency of a batch of {@code batchSize} over every parallel degree the profile measured for this
   * GPU type and phase (each curve queried at the batch size, so the batch must lie within every curve's range).
   *
   * @throws IllegalArgumentException when fewer than two degrees are measured
   */
  public static ParallelFit of(LatencyProfile profile, String gpuType, Phase phase, int batchSize) {
    List<double[]> points = new ArrayList<>();
    for (Map.Entry<ProfileKey, LatencyCurve> e : profile.curves().entrySet()) {
      ProfileKey k = e.getKey();
      if (k.gpuType().equalsIgnoreCase(gpuType) && k.phase() == phase) {
        points.add(new double[] {k.parallelDegree(), e.getValue().seconds(batchSize, Statistic.MEAN)});
      }
    }
    if (points.size() < 2) {
      throw new IllegalArgumentException("The profile of " + profile.model() + " measures " + points.size()
          + " parallel degree(s) for " + gpuType + " " + phase.label() + "; a parallel fit needs at least 2.");
    }
    return fit(points.stream().mapToDouble(q -> q[0]).toArray(), points.stream().mapToDouble(q -> q[1]).toArray());
  }

  /** Fits degrees {@code p} (each at least 1) and latencies {@code seconds}. */
  public static ParallelFit fit(double[] p, double[] seconds) {
    int n = p.length;
    if (n < 2 || seconds.length != n) {
      throw new IllegalArgumentException("A parallel fit needs at least 2 (degree, latency) pairs, got " + n
          + " degrees and " + seconds.length + " latencies.");
    }
    double serial;
    double parallel;
    double communication = 0;
    if (n == 2) {
      // two points: l = s + w / p through both
      double x0 = 1 / p[0];
      double x1 = 1 / p[1];
      parallel = (seconds[0] - seconds[1]) / (x0 - x1);
      serial = seconds[0] - parallel * x0;
    } else {
      double[] beta;
      if (n == 3) {
        beta = solve3(p, seconds);
      } else {
        double[][] x = new double[n][2];
        for (int i = 0; i < n; i++) {
          x[i][0] = 1 / p[i];
          x[i][1] = Math.log(p[i]) / Math.log(2);
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.newSampleData(seconds, x);
        beta = ols.estimateRegressionParameters();
      }
      serial = beta[0];
      parallel = beta[1];
      communication = beta[2];
    }
    ParallelFit shape = new ParallelFit(serial, parallel, communication, new FitQuality(1, 0, n));
    double[] fitted = new double[n];
    for (int i = 0; i < n; i++) {
      fitted[i] = shape.seconds((int) p[i]);
    }
    return new ParallelFit(serial, parallel, communication, FitQuality.of(seconds, fitted));
  }

  /** The exact solution through three points (Cramer's rule on [1, 1/p, log2 p]). */
  private static double[] solve3(double[] p, double[] y) {
    double[][] a = new double[3][3];
    for (int i = 0; i < 3; i++) {
      a[i][0] = 1;
      a[i][1] = 1 / p[i];
      a[i][2] = Math.log(p[i]) / Math.log(2);
    }
    double det = det(a);
    if (det == 0) {
      throw new IllegalArgumentException("The parallel degrees must be distinct.");
    }
    double[] out = new double[3];
    for (int c = 0; c < 3; c++) {
      double[][] m = new double[3][];
      for (int i = 0; i < 3; i++) {
        m[i] = a[i].clone();
        m[i][c] = y[i];
      }
      out[c] = det(m) / det;
    }
    return out;
  }

  private static double det(double[][] m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  }
}

package dev.scaleplan.profiler.fit;

/**
 * How well a fit reproduces the measurements it was fitted to.
 *
 * @param rSquared the coefficient of determination, 1 - SS_res / SS_tot (1 when the data are constant and fitted
 *     exactly)
 * @param maxRelativeResidual the largest |fitted - measured| / measured over the points
 * @param points how many measurements
 */
public record FitQuality(double rSquared, double maxRelativeResidual, int points) {

  /** The quality of {@code fitted} against {@code measured}. */
  static FitQuality of(double[] measured, double[] fitted) {
    double mean = 0;
    for (double y : measured) {
      mean += y / measured.length;
    }
    double ssRes = 0;
    double ssTot = 0;
    double maxRel = 0;
    for (int i = 0; i < measured.length; i++) {
      double r = fitted[i] - measured[i];
      ssRes += r * r;
      ssTot += (measured[i] - mean) * (measured[i] - mean);
      maxRel = Math.max(maxRel, Math.abs(r) / measured[i]);
    }
    double r2 = ssTot == 0 ? (ssRes == 0 ? 1 : 0) : 1 - ssRes / ssTot;
    return new FitQuality(r2, maxRel, measured.length);
  }
}

package dev.scaleplan.queueing;

import dev.scaleplan.api.Checks;

/**
 * The M/D/c queue, exactly: Poisson arrivals at rate λ, c servers, the same service time D for every request, FIFO.
 * Offered load {@code a = λD}, utilisation {@code ρ = a / c}, stable iff ρ < 1.
 *
 * <p><b>Queue length.</b> Look at the number waiting at epochs D apart: {@code L' = max(L + A - c, 0)} with
 * A ~ Poisson(a) (Crommelin, "Delay probability formulae when the holding times are constant", P.O. Elec. Eng. J. 25,
 * 1932). Its generating function is
 * {@code P_L(z) = (c - a) (z - 1) Π_m (z - z_m)/(1 - z_m) / (z^c - e^{a(z-1)})}, with z_1..z_{c-1} the roots of
 * {@code z^c = e^{a(z-1)}} inside the unit disk other than 1, found as the fixed points of
 * {@code z = ω_m e^{a(z-1)/c}}, {@code ω_m = e^{2πim/c}}, polished by Newton's method (Franx 2001, §2; Janssen and van
 * Leeuwaarden, "Analytic computation schemes for the discrete-time bulk service queue", Queueing Systems 50, 2005).
 * The probabilities {@code P(L = n)} are recovered by a discrete Fourier transform of P_L on a circle of radius r
 * between 1 and the dominant outer root z0 > 1; with N points the aliasing error is about {@code (r/z0)^N}, and N is
 * chosen so that it and the tail beyond N are below 1e-15.
 *
 * <p><b>Waiting time.</b> FIFO with constant service gives {@code start_n = max(arrival_n, start_{n-c} + D)}, so a
 * request waits at most x iff, for every m >= k, fewer than mc requests arrived in the {@code mD - x} before it,
 * where {@code k = floor(x/D) + 1}. With {@code s = kD - x} in (0, D] this is (Franx, "A simple solution for the M/D/c
 * waiting time distribution", Oper. Res. Lett. 29, 2001):
 * <pre>
 *   P(W <= x) = Σ_{j=0}^{kc-1} e^{-λs} (λs)^j / j! · P(L <= kc - 1 - j).
 * </pre>
 * It is evaluated as the tail {@code P(W > x) = P(A_s >= kc) + Σ_{j<kc} e^{-λs} (λs)^j / j! · P(L > kc - 1 - j)}
 * (A_s ~ Poisson(λs)), with Poisson terms from Loader's saddle-point form, so small tails keep their relative
 * accuracy. At c = 1, x = 0 it gives {@code e^{-ρ} P(L = 0) = 1 - ρ}. Integrating the tail over x, with
 * {@code ∫_0^D e^{-λs}(λs)^j/j! ds = P(A > j) / λ} (A ~ Poisson(λD)), gives the mean as a sum of positive terms:
 * {@code E[W] = (Σ_{j >= c} P(A > j) floor(j/c) + Σ_n P(L > n) Σ_{i >= 0} P(A > c - 1 - (n mod c) + ic)) / λ}
 * (equal to {@code E[L] / λ} by Little's law; at c = 1 it reduces to Pollaczek-Khinchine). Percentiles invert the
 * tail by Brent's method; response time is W + D. All figures but the utilisation are {@link Method#NUMERICAL}.
 */
public final class MDc implements QueueModel {
  private final double arrivalRate;
  private final int servers;
  private final double serviceSeconds;
  private double[] tail; // P(L > n), n = 0..tail.length-1; 0 beyond

  private MDc(double arrivalRate, int servers, double serviceSeconds) {
    this.arrivalRate = Checks.nonNegative("arrival rate (requests/s)", arrivalRate);
    this.servers = Checks.atLeast("servers", servers, 1);
    this.serviceSeconds = Checks.positive("service time (s)", serviceSeconds);
  }

  /**
   * An M/D/c queue.
   *
   * @param arrivalRate λ in requests per second, at least 0
   * @param servers c, at least 1
   * @param serviceSeconds the constant service time D, above 0
   */
  public static MDc of(double arrivalRate, int servers, double serviceSeconds) {
    return new MDc(arrivalRate, servers, serviceSeconds);
  }

  @Override
  public String name() {
    return "mdc";
  }

  public double utilization() {
    return arrivalRate * serviceSeconds / servers;
  }

  @Override
  public QueueMetrics metrics() {
    double rho = utilization();
    if (rho >= 1) {
      return QueueMetrics.unstable(name(), arrivalRate, rho, Method.EXACT);
    }
    if (arrivalRate == 0) {
      return QueueMetrics.builder(name(), 0)
          .utilization(Estimate.exact(0))
          .probWait(Estimate.exact(0))
          .meanWait(Estimate.exact(0))
          .meanResponse(Estimate.exact(serviceSeconds))
          .waitPercentiles(p -> Estimate.exact(0))
          .responsePercentiles(p -> Estimate.exact(serviceSeconds))
          .build();
    }
    double probWait = waitTail(0);
    double meanWait = meanWait();
    return QueueMetrics.builder(name(), arrivalRate)
        .utilization(Estimate.exact(rho))
        .probWait(Estimate.numerical(probWait))
        .meanWait(Estimate.numerical(meanWait))
        .meanResponse(Estimate.numerical(meanWait + serviceSeconds))
        .waitPercentiles(p -> Estimate.numerical(waitQuantile(p / 100)))
        .responsePercentiles(p -> Estimate.numerical(waitQuantile(p / 100) + serviceSeconds))
        .note("Crommelin/Franx exact waiting-time distribution")
        .build();
  }

  /**
   * {@code P(W <= t)}, the waiting-time distribution function: 0 for t < 0, 0 everywhere when unstable, 1 at
   * {@code t = +∞}; NaN for NaN.
   */
  public double waitCdf(double t) {
    if (Double.isNaN(t)) {
      return Double.NaN;
    }
    return t < 0 || utilization() >= 1 ? 0 : 1 - waitTail(t);
  }

  /**
   * {@code P(W > t)}: 1 for t < 0 and everywhere when unstable, 0 at {@code t = +∞}; NaN for NaN. Evaluated in the
   * tail form {@code P(A_s >= kc) + Σ_j P(A_s = j) P(L > kc - 1 - j)}, so small tails keep their relative accuracy
   * (down to about 1e-18, where the tail of L is cut off).
   */
  public double waitTail(double t) {
    if (Double.isNaN(t)) {
      return Double.NaN;
    }
    if (t < 0 || utilization() >= 1) {
      return 1;
    }
    if (arrivalRate == 0 || t == Double.POSITIVE_INFINITY) {
      return 0;
    }
    double[] g = queueTail();
    double k = Math.floor(t / serviceSeconds) + 1;
    double a = arrivalRate * serviceSeconds;
    // Every Poisson term left in the sum has j >= kc - len > a + 40 sqrt(a) + 60: below e^{-800}.
    if (k * servers - g.length > a + 40 * Math.sqrt(a) + 60) {
      return 0;
    }
    long m = (long) k * servers; // kc, the arrivals that must have come in the s before the request
    double s = Math.min(serviceSeconds, Math.max(0, k * serviceSeconds - t));
    double mu = arrivalRate * s;
    if (mu == 0) {
      return m - 1 < g.length ? g[(int) (m - 1)] : 0;
    }
    double upper = poissonUpperTail(mu, m); // m >= c > a >= mu: a right tail
    long lo = Math.max(0, m - g.length);
    long anchor = Math.max(lo, Math.min(m - 1, (long) Math.floor(mu))); // the largest Poisson term in [lo, m)
    double pa = Math.exp(logPoissonPmf(anchor, mu));
    double sum = pa * g[(int) (m - 1 - anchor)];
    // Away from the anchor the Poisson terms only fall; stop once they are lost in the rounding of the total.
    double p = pa;
    for (long j = anchor + 1; j < m && p > 0; j++) {
      p *= mu / j;
      sum += p * g[(int) (m - 1 - j)];
      if (p < 1e-18 * (sum + upper)) {
        break;
      }
    }
    p = pa;
    for (long j = anchor; j > lo && p > 0; j--) {
      p *= j / mu; // now P(A = j - 1)
      sum += p * g[(int) (m - j)];
      if (p < 1e-18 * (sum + upper)) {
        break;
      }
    }
    return Math.min(1, upper + sum);
  }

  private double waitQuantile(double q) {
    return Quantiles.fromTail(this::waitTail, q, serviceSeconds);
  }

  /**
   * {@code E[W] = (1/λ) (Σ_{j >= c} P(A > j) floor(j/c) + Σ_n P(L > n) T(c - 1 - n mod c))} with A ~ Poisson(λD) and
   * {@code T(r) = Σ_{i >= 0} P(A > r + ic)}: the waiting-time tail integrated over each interval of length D
   * ({@code ∫_0^D P(A_s = j) ds = P(A > j) / λ} and {@code ∫_0^D P(A_s >= kc) ds = E[(A - kc)^+] / λ}), summed over
   * k by collecting the terms of each n. No subtraction: every term is a positive product.
   */
  private double meanWait() {
    double[] g = queueTail();
    double a = arrivalRate * serviceSeconds;
    int c = servers;
    double[] above = poissonRightTails(a, (int) Math.ceil(a + 15 * Math.sqrt(a) + 50)); // P(A > j); ~e^{-100} after
    double first = 0;
    for (int j = c; j < above.length; j++) {
      first += above[j] * (j / c);
    }
    double second = 0;
    int rounds = Math.min(c, g.length);
    double[] t = new double[rounds]; // T(c - 1 - r) for r = n mod c < rounds
    for (int r = 0; r < rounds; r++) {
      double sum = 0;
      for (long j = c - 1 - r; j < above.length; j += c) {
        sum += above[(int) j];
      }
      t[r] = sum;
    }
    for (int n = 0; n < g.length; n++) {
      second += g[n] * t[n % c];
    }
    return (first + second) / arrivalRate;
  }

  /** {@code P(Poisson(mean) > j)} for j = 0..n-1, summed from the right so that small tails stay accurate. */
  private static double[] poissonRightTails(double mean, int n) {
    double[] pmf = new double[n + 1];
    int mode = Math.min(n, (int) Math.floor(mean));
    double p = Math.exp(logPoissonPmf(mode, mean));
    pmf[mode] = p;
    for (int j = mode + 1; j <= n; j++) {
      p *= mean / j;
      pmf[j] = p;
    }
    p = pmf[mode];
    for (int j = mode; j > 0; j--) {
      p *= j / mean;
      pmf[j - 1] = p;
    }
    double[] above = new double[n];
    double cum = pmf[n];
    for (int j = n - 1; j >= 0; j--) {
      above[j] = cum;
      cum += pmf[j];
    }
    return above;
  }

  /** {@code P(Poisson(mu) >= m)} for {@code m > mu}, summed from m upwards. */
  private static double poissonUpperTail(double mu, long m) {
    double p = Math.exp(logPoissonPmf(m, mu));
    double sum = 0;
    for (long j = m; p > 0; j++) {
      sum += p;
      p *= mu / (j + 1);
      if (p < 1e-18 * sum) {
        break;
      }
    }
    return sum;
  }

  /**
   * {@code ln P(Poisson(mu) = x)} to about 1e-15 relative in the probability, for every x and mu, by Loader's
   * saddle-point form {@code -stirlerr(x) - bd0(x, mu) - ln(2πx)/2} (C. Loader, "Fast and accurate computation of
   * binomial probabilities", 2000; the form R's dpois uses).
   */
  static double logPoissonPmf(long x, double mu) {
    if (x == 0) {
      return -mu;
    }
    return -stirlingError(x) - deviance(x, mu) - 0.5 * Math.log(2 * Math.PI * x);
  }

  /** {@code ln x! - (x + 1/2) ln x + x - ln sqrt(2π)}. */
  private static double stirlingError(long x) {
    if (x <= 15) {
      double factorial = 1;
      for (int i = 2; i <= x; i++) {
        factorial *= i; // exact below 2^53
      }
      return Math.log(factorial) - (x + 0.5) * Math.log(x) + x - 0.5 * Math.log(2 * Math.PI);
    }
    double n = x;
    double n2 = n * n;
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * n2)) / n2) / n2) / n2) / n;
  }

  /** {@code x ln(x/mu) + mu - x}, by its series when x is near mu (where the direct form cancels). */
  private static double deviance(double x, double mu) {
    if (Math.abs(x - mu) < 0.1 * (x + mu)) {
      double v = (x - mu) / (x + mu);
      double s = (x - mu) * v;
      double ej = 2 * x * v;
      double v2 = v * v;
      for (int j = 1; j < 1000; j++) {
        ej *= v2;
        double next = s + ej / (2 * j + 1);
        if (next == s) {
          return s;
        }
        s = next;
      }
      return s;
    }
    return x * Math.log(x / mu) + mu - x;
  }

  /** The tail of L, computed once per instance. */
  private synchronized double[] queueTail() {
    if (tail == null) {
      tail = solveQueue(arrivalRate * serviceSeconds, servers);
    }
    return tail;
  }

  /** Target for the aliasing error of the inversion and for the mass beyond the computed range. */
  private static final double ALIASING = 1e-15;

  /**
   * {@code P(L > n)} for n = 0..len-1, 0 beyond (the entries below 1e-20 at the end are dropped). The probabilities
   * of {@link #queuePmf} sum to 1 to about 1e-13 at c = 1000 (checked in the tests); what is left over is rounding, so
   * they are renormalised, and the tail is summed from the right so that it keeps its relative accuracy.
   */
  static double[] solveQueue(double a, int c) {
    double[] pmf = queuePmf(a, c);
    int n = pmf.length;
    double mass = 0;
    for (double p : pmf) {
      mass += p;
    }
    double[] g = new double[n];
    double cum = 0;
    for (int k = n - 1; k >= 0; k--) {
      g[k] = cum / mass;
      cum += pmf[k];
    }
    int last = n;
    while (last > 1 && g[last - 1] < 1e-20) {
      last--;
    }
    return java.util.Arrays.copyOf(g, last);
  }

  /**
   * P(L = n) for n = 0..N-1 (tiny negative rounding clamped to 0), not renormalised. L's tail falls like
   * {@code z0^{-n}}, so with N points on the circle of radius r the aliasing error is about {@code (r/z0)^N}: N is the
   * power of two at least {@code 1.25 ln(1/ε) / ln z0} and {@code r = z0 ε^{1/N}} makes it ε = 1e-15 while keeping
   * {@code r >= z0^{0.2} > 1}; the mass beyond N is about {@code z0^{-N} <= ε^{1.25}}.
   */
  static double[] queuePmf(double a, int c) {
    double z0 = Numerics.outerRoot(c, a);
    double logZ0 = Math.log(z0);
    double logEps = Math.log(1 / ALIASING);
    int needed = (int) Math.ceil(1.25 * logEps / logZ0);
    int n = Integer.highestOneBit(Math.max(16, needed - 1)) << 1;
    // Near z = 1 the exponent u = a(z - 1) - c ln z of the denominator is about (c - a)(r - 1), as small as 1e-6, so
    // r - 1 and ln r must agree to the last bit: take δ = r - 1 as the primary quantity, ln r = log1p(δ), and
    // Re z - 1 = δ cos φ - 2 sin^2(φ/2).
    double r = Math.exp(logZ0 - logEps / n);
    double delta = r - 1;
    r = 1 + delta;
    double logR = Math.log1p(delta);
    double[] rootRe = new double[c - 1];
    double[] rootIm = new double[c - 1];
    innerRoots(a, c, rootRe, rootIm);
    double[] qr = new double[c - 1];
    double[] qi = new double[c - 1];
    for (int m = 0; m < c - 1; m++) {
      double dr = 1 - rootRe[m];
      double di = -rootIm[m];
      double den = dr * dr + di * di;
      qr[m] = dr / den;
      qi[m] = -di / den;
    }
    double[] re = new double[n];
    double[] im = new double[n];
    // P_L has real coefficients, so P_L(conj z) = conj P_L(z): evaluate the upper half circle and mirror it.
    for (int j = 0; j <= n / 2; j++) {
      double phi = 2 * Math.PI * j / n;
      double cos = Math.cos(phi);
      double halfSin = Math.sin(0.5 * phi);
      double zr = r * cos;
      double zi = r * Math.sin(phi);
      double zr1 = delta * cos - 2 * halfSin * halfSin; // Re z - 1, without cancellation
      // (c - a) (z - 1) Π (z - z_m)/(1 - z_m), as a complex product kept near magnitude 1 by powers of two
      double pr = (c - a) * zr1;
      double pi = (c - a) * zi;
      int exponent = 0;
      for (int m = 0; m < c - 1; m++) {
        double nr = zr - rootRe[m];
        double ni = zi - rootIm[m];
        double fr = nr * qr[m] - ni * qi[m]; // (z - z_m) / (1 - z_m), with q = 1 / (1 - z_m) precomputed
        double fi = nr * qi[m] + ni * qr[m];
        double t = pr * fr - pi * fi;
        pi = pr * fi + pi * fr;
        pr = t;
        if ((m & 7) == 7) {
          int e = Math.getExponent(Math.abs(pr) + Math.abs(pi));
          pr = Math.scalb(pr, -e);
          pi = Math.scalb(pi, -e);
          exponent += e;
        }
      }
      double logAbs = 0.5 * Math.log(pr * pr + pi * pi) + exponent * Math.log(2);
      double arg = Math.atan2(pi, pr);
      // log of z^c - e^{a(z-1)} = z^c (1 - e^{a(z-1) - c log z})
      double ur = a * zr1 - c * logR;
      double ui = a * zi - c * phi;
      // 1 - e^u without cancellation near z = 1 (u -> 0 there, and the zero of z - 1 divides it out):
      // 1 - e^{ur} cos ui = -(expm1(ur) cos ui - 2 sin^2(ui / 2))
      double half = Math.sin(0.5 * ui);
      double wr = -(Math.expm1(ur) * Math.cos(ui) - 2 * half * half);
      double wi = -Math.exp(ur) * Math.sin(ui);
      logAbs -= c * logR + 0.5 * Math.log(wr * wr + wi * wi);
      arg -= c * phi + Math.atan2(wi, wr);
      double mag = Math.exp(logAbs);
      re[j] = mag * Math.cos(arg);
      im[j] = mag * Math.sin(arg);
      if (j > 0 && j < n / 2) {
        re[n - j] = re[j];
        im[n - j] = -im[j];
      }
    }
    fft(re, im, false);
    double[] pmf = new double[n];
    for (int k = 0; k < n; k++) {
      pmf[k] = Math.max(0, re[k] / n * Math.exp(-k * logR));
    }
    return pmf;
  }

  /** The c - 1 roots of {@code z^c = e^{a(z-1)}} inside the unit disk other than z = 1. */
  static void innerRoots(double a, int c, double[] re, double[] im) {
    double g = a / c;
    // The root for ω_{c-m} = conj ω_m is the conjugate of the root for ω_m: solve for m <= c/2 and mirror.
    for (int m = 1; m <= c / 2; m++) {
      double wr = Math.cos(2 * Math.PI * m / c);
      double wi = Math.sin(2 * Math.PI * m / c);
      double zr = 0;
      double zi = 0;
      for (int it = 0; it < 60; it++) { // fixed point: a contraction inside the disk (|g z| < 1)
        double e = Math.exp(g * (zr - 1));
        double cr = e * Math.cos(g * zi);
        double ci = e * Math.sin(g * zi);
        double nr = wr * cr - wi * ci;
        double ni = wr * ci + wi * cr;
        double d = Math.abs(nr - zr) + Math.abs(ni - zi);
        zr = nr;
        zi = ni;
        if (d < 1e-6) {
          break;
        }
      }
      for (int it = 0; it < 50; it++) { // Newton on h(z) = z - ω e^{g(z-1)}, h'(z) = 1 - g ω e^{g(z-1)}
        double e = Math.exp(g * (zr - 1));
        double cr = e * Math.cos(g * zi);
        double ci = e * Math.sin(g * zi);
        double tr = wr * cr - wi * ci;
        double ti = wr * ci + wi * cr;
        double hr = zr - tr;
        double hi = zi - ti;
        double dr = 1 - g * tr;
        double di = -g * ti;
        double den = dr * dr + di * di;
        double sr = (hr * dr + hi * di) / den;
        double si = (hi * dr - hr * di) / den;
        zr -= sr;
        zi -= si;
        if (Math.abs(sr) + Math.abs(si) < 1e-15) {
          break;
        }
      }
      if (m == c - m) { // ω = -1: the root is real
        zi = 0;
      }
      re[m - 1] = zr;
      im[m - 1] = zi;
      re[c - m - 1] = zr;
      im[c - m - 1] = -zi;
    }
  }

  /** In-place radix-2 FFT; {@code inverse} uses e^{+i} (without the 1/n factor). Length must be a power of two. */
  static void fft(double[] re, double[] im, boolean inverse) {
    int n = re.length;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int len = 2; len <= n; len <<= 1) {
      double ang = 2 * Math.PI / len * (inverse ? 1 : -1);
      double wr = Math.cos(ang);
      double wi = Math.sin(ang);
      for (int i = 0; i < n; i += len) {
        double cr = 1;
        double ci = 0;
        for (int k = 0; k < len / 2; k++) {
          int u = i + k;
          int v = u + len / 2;
          double vr = re[v] * cr - im[v] * ci;
          double vi = re[v] * ci + im[v] * cr;
          re[v] = re[u] - vr;
          im[v] = im[u] - vi;
          re[u] += vr;
          im[u] += vi;
          double ncr = cr * wr - ci * wi;
          ci = cr * wi + ci * wr;
          cr = ncr;
        }
      }
    }
  }
}

package dev.scaleplan.queueing;

/**
 * The waiting- and response-time distributions of the one-server, work-conserving batching queue, from the
 * stationary law of its embedded departure chain ({@link BatchQueue.Chain}) by a tagged-request analysis.
 *
 * <p>By PASTA a request arrives, with the time-stationary probabilities, either to an idle server (probability
 * {@code π_0 / (λ E[C])}; it is served alone: W = 0, R = l(1)) or during the service of a batch that started after a
 * departure leaving x waiting, at a residual service time v, uniform with density {@code π_x / E[C]} on
 * {@code [0, l(b(x))]}. Then {@code m = (x - b(x)) + A(l - v)} requests wait ahead of it, {@code j = floor(m / B)}
 * full batches go before it, and it waits {@code W = v + j l(B)}; its own batch holds the {@code m mod B} requests
 * ahead, itself, and those that arrive during W, up to B: {@code K = min(B, m mod B + 1 + A(W))}, and
 * {@code R = W + l(K)}. The integral over v is taken by the midpoint rule on {@value #SUBINTERVALS} subintervals per
 * service, each subinterval's mass spread uniformly over the W and R values it covers (R moves linearly with v, so
 * the spreading is exact in v and only the Poisson weights are evaluated at the midpoints; error O(h²)). The masses
 * are accumulated on a grid of {@value #BINS} bins, so percentiles are exact to about one bin width plus the
 * quadrature error; the tests measure the agreement with the simulator.
 */
final class BatchDelays {
  static final int SUBINTERVALS = 8;
  static final int BINS = 1 << 13;
  /**
   * Contributions below this probability are skipped; at most a few thousand are, so the mass lost (reported by
   * {@link #responseMass()}) stays below 1e-9, far under the 1e-4 that a p99.99 needs.
   */
  private static final double NEGLIGIBLE = 1e-14;

  private final double idleProbability;
  private final double idleResponse;
  private final double binWidth;
  private final double[] waitCdf;
  private final double[] responseCdf;

  private BatchDelays(double idleProbability, double idleResponse, double binWidth, double[] waitCdf,
      double[] responseCdf) {
    this.idleProbability = idleProbability;
    this.idleResponse = idleResponse;
    this.binWidth = binWidth;
    this.waitCdf = waitCdf;
    this.responseCdf = responseCdf;
  }

  /**
   * Computes the distributions.
   *
   * @param lambda the arrival rate
   * @param l batch latencies, {@code l[b]} for b = 1..B
   * @param pi the departure chain's stationary law
   * @param cycle the mean departure cycle E[C]
   */
  static BatchDelays of(double lambda, double[] l, double[] pi, double cycle) {
    int bMax = l.length - 1;
    double lB = l[bMax];
    double lMax = 0;
    for (int b = 1; b <= bMax; b++) {
      lMax = Math.max(lMax, l[b]);
    }
    // Grid range: states beyond the last one with tail mass above 1e-13 do not widen it.
    int xHi = pi.length - 1;
    double tail = 0;
    while (xHi > 0 && tail + pi[xHi] < 1e-13) {
      tail += pi[xHi];
      xHi--;
    }
    double maxArrivals = lambda * lMax + 12 * Math.sqrt(lambda * lMax) + 25;
    double tMax = lB * ((xHi + maxArrivals) / bMax + 3);
    double width = tMax / BINS;
    Grid wait = new Grid(width);
    Grid response = new Grid(width);
    double idle = pi[0] / (lambda * cycle);
    // The idle arrivals' atoms (W = 0, R = l(1)) stay out of the grids and are added exactly by the quantiles.

    double[] pmfM = new double[(int) maxArrivals + 2];
    double[] pmfN = new double[bMax + 1];
    double[] kMass = new double[bMax + 1];
    for (int x = 0; x < pi.length; x++) {
      if (pi[x] * service(l, x, bMax) / cycle < NEGLIGIBLE) {
        continue;
      }
      int b = x == 0 ? 1 : Math.min(x, bMax);
      int left = x == 0 ? 0 : x - b;
      double service = l[b];
      double h = service / SUBINTERVALS;
      double sliceMass = pi[x] * h / cycle;
      for (int i = 0; i < SUBINTERVALS; i++) {
        double v = (i + 0.5) * h;
        int mCount = pmfM.length;
        Numerics.poissonPmf(lambda * (service - v), pmfM);
        // Requests with the same number j of full batches ahead share W = v + j l(B) and the candidate response
        // times W + l(k): collect their K-distribution masses per j, then spread each (j, k) once.
        int currentJ = -1;
        double w = 0;
        double waitMass = 0;
        double meanArrived = lambda * (service - v);
        for (int arrived = 0; arrived <= mCount; arrived++) {
          double weight = arrived < mCount ? sliceMass * pmfM[arrived] : 0;
          boolean done = arrived == mCount || (weight < NEGLIGIBLE && arrived > meanArrived);
          int m = left + arrived;
          int j = m / bMax;
          if (currentJ >= 0 && (done || j != currentJ)) {
            wait.spread(w - h / 2, h, waitMass);
            waitMass = 0;
            for (int k = 1; k <= bMax; k++) {
              if (kMass[k] > 0) {
                response.spread(w + l[k] - h / 2, h, kMass[k]);
                kMass[k] = 0;
              }
            }
            currentJ = -1;
          }
          if (done) {
            break;
          }
          if (weight < NEGLIGIBLE) {
            continue;
          }
          if (j != currentJ) {
            currentJ = j;
            w = v + j * lB;
            Numerics.poissonPmf(lambda * w, pmfN);
          }
          int pos = m - j * bMax;
          waitMass += weight;
          // K = pos + 1 + N for N < B - pos - 1; K = B otherwise.
          double below = 0;
          for (int n = 0; n < bMax - pos - 1; n++) {
            kMass[pos + 1 + n] += weight * pmfN[n];
            below += pmfN[n];
          }
          kMass[bMax] += weight * Math.max(0, 1 - below);
        }
      }
    }
    return new BatchDelays(idle, l[1], width, wait.cdf(), response.cdf());
  }

  private static double service(double[] l, int x, int bMax) {
    return l[x == 0 ? 1 : Math.min(x, bMax)];
  }

  /** The q-quantile of waiting time (0 when the idle atom covers q). */
  double waitQuantile(double q) {
    return quantile(waitCdf, 0, q);
  }

  /** The q-quantile of response time. */
  double responseQuantile(double q) {
    return quantile(responseCdf, idleResponse, q);
  }

  /** The total mass accounted for (1 up to truncation); for tests. */
  double responseMass() {
    return idleProbability + responseCdf[responseCdf.length - 1];
  }

  /**
   * The q-quantile of the mixture of the grid's continuous part and the idle arrivals' atom at {@code atom} (mass
   * {@link #idleProbability}), kept exact: a q that falls in the atom's jump returns the atom itself.
   */
  private double quantile(double[] cdf, double atom, double q) {
    double belowAtom = gridCdf(cdf, atom);
    if (q <= belowAtom) {
      return gridQuantile(cdf, q);
    }
    if (q <= belowAtom + idleProbability) {
      return atom;
    }
    return gridQuantile(cdf, q - idleProbability);
  }

  /** The grid's mass below t, linear within a bin. */
  private double gridCdf(double[] cdf, double t) {
    double pos = t / binWidth;
    int k = (int) Math.min(cdf.length - 1, Math.floor(pos));
    double below = k == 0 ? 0 : cdf[k - 1];
    return below + (cdf[k] - below) * Math.min(1, pos - k);
  }

  /** The smallest t with grid mass below t equal to {@code target}, linear within a bin. */
  private double gridQuantile(double[] cdf, double target) {
    int lo = 0;
    int hi = cdf.length - 1;
    while (lo < hi) { // the first bin k with cdf[k] >= target; cdf[k] is the mass up to the end of bin k
      int mid = (lo + hi) >>> 1;
      if (cdf[mid] >= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    double below = lo == 0 ? 0 : cdf[lo - 1];
    double inBin = cdf[lo] - below;
    double f = inBin > 0 ? Math.min(1, (target - below) / inBin) : 1;
    return (lo + f) * binWidth;
  }

  /** Masses on a uniform grid, with O(1) deposits of uniformly spread mass via a difference array. */
  private static final class Grid {
    private final double width;
    private final double[] direct = new double[BINS + 1];
    private final double[] slope = new double[BINS + 2];

    Grid(double width) {
      this.width = width;
    }

    /** Adds {@code mass} spread uniformly over {@code [from, from + length]}. */
    void spread(double from, double length, double mass) {
      double a = Math.max(0, from) / width;
      double e = Math.max(0, from + length) / width;
      if (e >= BINS) {
        if (a >= BINS) {
          direct[BINS] += mass;
          return;
        }
        double inside = mass * (BINS - a) / (e - a);
        direct[BINS] += mass - inside;
        mass = inside;
        e = BINS;
      }
      int ia = (int) a;
      int ie = (int) e;
      double density = mass / (e - a); // per bin
      if (ia == ie || e - a <= 0) {
        direct[Math.min(ia, BINS)] += mass;
        return;
      }
      direct[ia] += density * (ia + 1 - a);
      if (ie < BINS) {
        direct[ie] += density * (e - ie);
      }
      slope[ia + 1] += density; // full bins ia+1 .. ie-1
      slope[ie] -= density;
    }

    /** The cumulative mass up to the end of each bin (the last bin holds everything beyond the grid). */
    double[] cdf() {
      double[] out = new double[BINS + 1];
      double run = 0;
      double cum = 0;
      for (int k = 0; k <= BINS; k++) {
        run += slope[k];
        cum += direct[k] + run;
        out[k] = cum;
      }
      return out;
    }
  }
}

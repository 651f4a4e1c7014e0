package dev.scaleplan.queueing;

import java.util.Arrays;

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
  /** Single masses and Poisson probabilities below this are left out of the convolutions (at most 1e-13 in all). */
  private static final double TINY = 1e-20;

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
   * <p>Departure states are taken together by the size b of the batch they start: states 0 and 1 start a batch of
   * one, each state 2..B-1 its own size, and all states x >= B a full batch with x - B left waiting. Within a group the
   * service l(b), the residual grid and the Poisson law of the arrivals during the elapsed service are the same, so
   * the number m of requests ahead of the tagged one has one mass function per group and subinterval (a shift for
   * x < B, a convolution of π with the Poisson law for x >= B). The requests with the same j = floor(m / B) then share
   * W, and the law of their own batch size is one truncated convolution of their positions with Poisson(λW).
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

    int arrivalsLength = arrivalsBound(lambda * lMax) + 1;
    double[] inverse = new double[Math.max(arrivalsLength, bMax) + 1];
    for (int j = 0; j < inverse.length; j++) {
      inverse[j] = 1.0 / (j + 1);
    }
    double[] pmfA = new double[arrivalsLength];
    double[] ahead = new double[Math.max(0, xHi - bMax) + arrivalsLength + bMax];
    double[] pmfN = new double[bMax];
    double[] atLeast = new double[bMax]; // atLeast[r] = P(N >= r)
    double[] kMass = new double[bMax];
    for (int b = 1; b <= bMax; b++) {
      // States in the group and the requests each leaves waiting: x = 0 and x = b (if b < B) leave none.
      int xFrom = b;
      int xTo = b < bMax ? b : xHi;
      double groupMass = b == 1 ? pi[0] : 0;
      for (int x = xFrom; x <= xTo; x++) {
        groupMass += pi[x];
      }
      double service = l[b];
      if (groupMass * service / cycle < NEGLIGIBLE) {
        continue;
      }
      double h = service / SUBINTERVALS;
      double toMass = h / cycle;
      for (int i = 0; i < SUBINTERVALS; i++) {
        double v = (i + 0.5) * h;
        poissonPmf(lambda * (service - v), pmfA, inverse);
        // ahead[m]: mass of the arrivals in this subinterval with m requests waiting ahead of them.
        int mHi;
        if (b < bMax) {
          double mass = groupMass * toMass;
          mHi = arrivalsLength - 1;
          for (int a = 0; a <= mHi; a++) {
            ahead[a] = mass * pmfA[a];
          }
        } else {
          mHi = (xTo - bMax) + arrivalsLength - 1;
          Arrays.fill(ahead, 0, mHi + 1, 0.0);
          for (int x = xFrom; x <= xTo; x++) {
            // With B = 1, state 0 (idle, then a batch of one) also leaves nobody waiting: it joins state 1.
            double mass = (x == 1 && b == 1 ? pi[0] + pi[x] : pi[x]) * toMass;
            if (mass < NEGLIGIBLE * 1e-3) {
              continue;
            }
            int left = x - bMax;
            for (int a = 0; a < arrivalsLength; a++) {
              ahead[left + a] += mass * pmfA[a];
            }
          }
        }
        for (int base = 0; base <= mHi; base += bMax) {
          int posHi = Math.min(bMax - 1, mHi - base);
          double blockMass = 0;
          int first = -1;
          int last = -1;
          for (int pos = 0; pos <= posHi; pos++) {
            double m = ahead[base + pos];
            if (m > TINY) {
              blockMass += m;
              last = pos;
              if (first < 0) {
                first = pos;
              }
            }
          }
          if (blockMass < NEGLIGIBLE) {
            continue;
          }
          double w = v + (base / bMax) * lB;
          wait.spread(w - h / 2, h, blockMass);
          // Own batch K = pos + 1 + N, N ~ Poisson(λW) arrivals behind it, capped at B.
          poissonPmf(lambda * w, pmfN, inverse);
          double below = 0;
          int nLo = -1;
          int nHi = -1;
          for (int r = 0; r < bMax; r++) {
            atLeast[r] = Math.max(0, 1 - below);
            below += pmfN[r];
            if (pmfN[r] > TINY) {
              nHi = r;
              if (nLo < 0) {
                nLo = r;
              }
            }
          }
          // P(K = k) for k < B: each position pos adds its mass times P(N = k - 1 - pos), over the non-negligible
          // range of N (an axpy per position, which the JIT vectorises).
          if (nLo >= 0) {
            for (int pos = first; pos <= last && pos + 1 + nLo < bMax; pos++) {
              double a = ahead[base + pos];
              int shift = pos + 1;
              for (int k = shift + nLo, to = Math.min(bMax - 1, shift + nHi); k <= to; k++) {
                kMass[k] += a * pmfN[k - shift];
              }
            }
            for (int k = first + 1 + nLo; k < bMax; k++) {
              if (kMass[k] > 0) {
                response.spread(w + l[k] - h / 2, h, kMass[k]);
                kMass[k] = 0;
              }
            }
          }
          double full = 0;
          for (int pos = first; pos <= last; pos++) {
            full += ahead[base + pos] * atLeast[bMax - 1 - pos];
          }
          if (full > 0) {
            response.spread(w + lB - h / 2, h, full);
          }
        }
      }
    }
    return new BatchDelays(idle, l[1], width, wait.cdf(), response.cdf());
  }

  /**
   * The first {@code out.length} Poisson(mean) probabilities, as {@link Numerics#poissonPmf} but multiplying by the
   * tabulated {@code inverse[j] = 1 / (j + 1)} instead of dividing.
   */
  private static void poissonPmf(double mean, double[] out, double[] inverse) {
    if (mean >= 700) {
      Numerics.poissonPmf(mean, out);
      return;
    }
    double p = Math.exp(-mean);
    for (int j = 0; j < out.length; j++) {
      out[j] = p;
      p *= mean * inverse[j];
    }
  }

  /**
   * The smallest K with {@code P(Poisson(mean) > K) < 1e-16}: the arrivals during one service that the exact models
   * keep (searched below {@code mean + 12 sqrt(mean) + 25}, beyond which the tail is far smaller).
   */
  static int arrivalsBound(double mean) {
    int generous = (int) Math.ceil(mean + 12 * Math.sqrt(mean) + 25);
    double[] p = new double[generous + 1];
    Numerics.poissonPmf(mean, p);
    double tail = 0;
    int k = generous;
    while (k > 0 && tail + p[k] < 1e-16) {
      tail += p[k];
      k--;
    }
    return k;
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
    private final double invWidth;
    private final double[] direct = new double[BINS + 1];
    private final double[] slope = new double[BINS + 2];

    Grid(double width) {
      this.invWidth = 1 / width;
    }

    /** Adds {@code mass} spread uniformly over {@code [from, from + length]}. */
    void spread(double from, double length, double mass) {
      double a = Math.max(0, from) * invWidth;
      double e = Math.max(0, from + length) * invWidth;
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

package dev.scaleplan.queueing;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import dev.scaleplan.api.Slo;
import java.util.OptionalInt;

/**
 * A model that holds one slot of a GPU's periodic schedule, exactly: Poisson arrivals at rate λ, a slot every
 * {@code d} seconds (the duty cycle), in which the GPU runs the oldest {@code min(waiting, b)} requests as one batch
 * and reserves {@code slot} seconds ({@code slot = l(b)}) for it; requests that do not fit wait for the next cycle.
 * This is how several models share one GPU in Nexus (Shen et al., SOSP 2019, §4.2 "squishy bin packing": every model
 * on the GPU runs once per duty cycle, with a batch sized for the cycle, and the slots' latencies sum to at most the
 * cycle) and Symphony's epoch-scale sharing; the slot queue gives the exact latency distribution of that schedule
 * under Poisson arrivals instead of Nexus's worst-case {@code d + l(b) <= SLO}.
 *
 * <p><b>Leftover.</b> The number Y still waiting right after a slot has taken its batch follows
 * {@code Y' = max(Y + A - b, 0)}, A ~ Poisson(λd): the M/D/c queue's epoch chain with c = b and D = d (Crommelin 1932),
 * solved exactly by {@link MDc}; stable iff {@code λd < b}.
 *
 * <p><b>Waiting time.</b> A request arriving u seconds after a slot started ({@code u ~ U(0, d)}, by PASTA) finds
 * {@code Y + N(λu)} requests ahead of it and is served in the slot {@code floor((Y + N(λu)) / b)} cycles after the
 * next, so its wait to the start of its slot is at most x iff {@code Y + N(λu) <= K(u) b - 1} with
 * {@code K(u) = floor((x + u) / d)}. K takes two values on (0, d), k = floor(x/d) below {@code s = (k+1)d - x} and
 * k + 1 above, and {@code ∫_0^u e^{-λv} (λv)^i / i! dv = P(N(λu) > i) / λ} gives the exact sum
 * <pre>
 *   P(W <= x) = 1/(λd) · [ Σ_{i < kb} P(Y <= kb-1-i) T_s(i) + Σ_{i < (k+1)b} P(Y <= (k+1)b-1-i) (T_d(i) - T_s(i)) ],
 * </pre>
 * with {@code T_u(i) = P(N(λu) > i)} (the same integration as in Franx's M/D/c waiting-time formula, Oper. Res. Lett.
 * 29, 2001). The response time is counted as {@code W + l(b)}: the slot is reserved for a full batch, so this is
 * exact for full batches and an upper bound otherwise.
 */
public final class SlotQueue {
  private final double arrivalRate;
  private final double cycleSeconds;
  private final int maxBatch;
  private final double slotSeconds;
  private double[] leftoverTail; // P(Y > n); null until needed

  private SlotQueue(double arrivalRate, double cycleSeconds, int maxBatch, double slotSeconds) {
    this.arrivalRate = Checks.nonNegative("arrival rate (requests/s)", arrivalRate);
    this.cycleSeconds = Checks.positive("duty cycle (s)", cycleSeconds);
    this.maxBatch = Checks.atLeast("batch per slot", maxBatch, 1);
    this.slotSeconds = Checks.positive("slot length (s)", slotSeconds);
    if (slotSeconds > cycleSeconds) {
      throw new IllegalArgumentException("The slot (" + slotSeconds + " s) must fit in the duty cycle ("
          + cycleSeconds + " s).");
    }
  }

  /**
   * A slot queue.
   *
   * @param arrivalRate λ in requests per second, at least 0
   * @param cycleSeconds the duty cycle d, above 0
   * @param maxBatch the batch a slot takes at most, b, at least 1
   * @param slotSeconds the slot's length, the batch latency l(b), in (0, d]
   */
  public static SlotQueue of(double arrivalRate, double cycleSeconds, int maxBatch, double slotSeconds) {
    return new SlotQueue(arrivalRate, cycleSeconds, maxBatch, slotSeconds);
  }

  /** Whether the queue is stable: fewer arrivals per cycle than the batch, {@code λd < b}. */
  public boolean stable() {
    return arrivalRate * cycleSeconds < maxBatch;
  }

  /** The slot's share of the GPU, {@code l(b) / d}. */
  public double occupancy() {
    return slotSeconds / cycleSeconds;
  }

  /** {@code P(W <= x)}, W the wait from arrival to the start of the request's slot; 0 when unstable. */
  public double waitCdf(double x) {
    if (!(x >= 0)) {
      if (Double.isNaN(x)) {
        throw new IllegalArgumentException("The wait time x must be a number (got NaN).");
      }
      return 0;
    }
    if (!stable()) {
      return 0;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 1;
    }
    double d = cycleSeconds;
    if (arrivalRate == 0) {
      return Math.min(1, x / d); // nobody ahead: W is the time to the next slot, uniform on (0, d)
    }
    if (leftoverTail == null) {
      leftoverTail = MDc.solveQueue(arrivalRate * d, maxBatch);
    }
    long kLong = (long) Math.floor(x / d);
    // Beyond the leftover's support (P(Y > n) < 1e-20) and enough cycles, the answer is 1 to double precision.
    if ((kLong - 1) * (double) maxBatch > leftoverTail.length + 40 + 10 * arrivalRate * d) {
      return 1;
    }
    int k = (int) kLong;
    double s = (k + 1) * d - x;
    int terms = (k + 1) * maxBatch;
    double[] tailS = poissonTails(arrivalRate * s, terms);
    double[] tailD = poissonTails(arrivalRate * d, terms);
    double sum = 0;
    int kb = k * maxBatch;
    for (int i = 0; i < kb; i++) {
      sum += leftoverCdf(kb - 1 - i) * tailS[i];
    }
    for (int i = 0; i < terms; i++) {
      sum += leftoverCdf(terms - 1 - i) * (tailD[i] - tailS[i]);
    }
    return Math.min(1, Math.max(0, sum / (arrivalRate * d)));
  }

  /** {@code P(R <= t)} with the response time R counted as {@code W + l(b)}. */
  public double responseCdf(double t) {
    return waitCdf(t - slotSeconds);
  }

  /**
   * The p-th percentile of the response time, by bisection to a relative 1e-9; +infinity when unstable.
   *
   * @param percentile in (0, 100)
   */
  public double responsePercentile(double percentile) {
    double q = Checks.percentile("percentile", percentile) / 100;
    if (!stable()) {
      return Double.POSITIVE_INFINITY;
    }
    double lo = 0;
    double hi = cycleSeconds;
    while (waitCdf(hi) < q) {
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1e-9 * hi) {
      double mid = 0.5 * (lo + hi);
      if (waitCdf(mid) >= q) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi + slotSeconds;
  }

  /** Whether the response time meets the SLO: {@code P(R <= target) >= percentile}. */
  public boolean meets(Slo slo) {
    return responseCdf(slo.targetSeconds()) >= slo.quantile();
  }

  /**
   * A small batch b whose slot meets the SLO at this rate, with {@code b - 1} missing it (or unstable): the first
   * batch that meets the SLO when meeting it is monotone in b, as it is while the wait shrinks faster than l(b) grows;
   * empty when none does. A larger batch takes more of the cycle, so a small one leaves the most room for others.
   *
   * <p>Only batches with {@code l(b) <= t - q d} can meet {@code P(R <= t) >= q}: the wait to the next slot alone is
   * uniform on (0, d), so {@code P(R <= t) <= (t - l(b)) / d}. Within that range the search gallops up from the
   * stability bound {@code b > λd} and then bisects, so it takes O(log b) evaluations.
   */
  public static OptionalInt smallestBatch(double arrivalRate, double cycleSeconds, BatchLatency latency, Slo slo) {
    return smallestBatch(arrivalRate, cycleSeconds, latency, slo, 1);
  }

  /**
   * {@link #smallestBatch(double, double, BatchLatency, Slo)} searching from {@code atLeast}, a batch below which no
   * batch meets the SLO: the answer at a lower rate of the same cycle, latency and SLO, since a higher rate never
   * shortens the wait (more arrivals push every request to the same or a later slot). Sweeping rates upward, one
   * evaluation usually confirms the previous answer.
   */
  public static OptionalInt smallestBatch(double arrivalRate, double cycleSeconds, BatchLatency latency, Slo slo,
      int atLeast) {
    Checks.nonNegative("arrival rate (requests/s)", arrivalRate);
    Checks.positive("duty cycle (s)", cycleSeconds);
    Checks.atLeast("atLeast", atLeast, 1);
    double limit = Math.min(cycleSeconds, slo.targetSeconds() - slo.quantile() * cycleSeconds);
    double first = Math.max(atLeast, Math.floor(arrivalRate * cycleSeconds) + 1); // stability: λd < b
    if (first > latency.maxBatchSize() || latency.seconds((int) first) > limit) {
      return OptionalInt.empty();
    }
    int lo = (int) first - 1; // misses (or is unstable)
    int hi = -1; // meets
    int step = 1;
    int b = (int) first;
    while (true) {
      if (meets(arrivalRate, cycleSeconds, b, latency, slo)) {
        hi = b;
        break;
      }
      lo = b;
      long next = (long) b + step;
      step *= 2;
      if (next > latency.maxBatchSize() || latency.seconds((int) next) > limit) {
        // Try the largest batch within the limit before giving up.
        int top = largestWithin(latency, b, (int) Math.min(next, latency.maxBatchSize()), limit);
        if (top > b && meets(arrivalRate, cycleSeconds, top, latency, slo)) {
          hi = top;
          break;
        }
        return OptionalInt.empty();
      }
      b = (int) next;
    }
    while (hi - lo > 1) {
      int mid = lo + (hi - lo) / 2;
      if (meets(arrivalRate, cycleSeconds, mid, latency, slo)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return OptionalInt.of(hi);
  }

  private static boolean meets(double rate, double cycle, int b, BatchLatency latency, Slo slo) {
    SlotQueue q = of(rate, cycle, b, latency.seconds(b));
    return q.stable() && q.meets(slo);
  }

  /** The largest b in [from, to] with l(b) <= limit, given l(from) <= limit (l is non-decreasing). */
  private static int largestWithin(BatchLatency latency, int from, int to, double limit) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = lo + (hi - lo + 1) / 2;
      if (latency.seconds(mid) <= limit) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private double leftoverCdf(int n) {
    return n < leftoverTail.length ? 1 - leftoverTail[n] : 1;
  }

  /** {@code P(N > i)} for i = 0..n-1, N ~ Poisson(mean), summed from the right so small tails stay accurate. */
  private static double[] poissonTails(double mean, int n) {
    int len = n + 40 + (int) Math.ceil(mean + 12 * Math.sqrt(mean)); // beyond it the pmf is below 1e-20
    double[] pmf = new double[len];
    Numerics.poissonPmf(mean, pmf);
    double[] tail = new double[n];
    double acc = 0;
    for (int j = len - 1; j >= 1; j--) {
      acc += pmf[j];
      if (j - 1 < n) {
        tail[j - 1] = acc;
      }
    }
    if (mean < 1e-3) {
      tail[0] = -Math.expm1(-mean); // P(N > 0) without cancellation
    }
    return tail;
  }
}

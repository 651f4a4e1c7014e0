package dev.scaleplan.queueing;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Dynamic batching, the queue that matters for GPU serving: Poisson arrivals at rate λ, {@code c} servers sharing one
 * FIFO queue, a free server takes up to B waiting requests and serves them together in l(b) seconds, under a dispatch
 * rule (work-conserving, or Triton-style max queue delay T).
 *
 * <p><b>One server, work-conserving: the embedded Markov chain at batch departures</b> (the bulk-service queue
 * M/G^[1,B]/1 with batch-size-dependent service; Chaudhry and Templeton, "A First Course in Bulk Queues", 1983,
 * ch. 4; Neuts, "A general class of bulk queues with Poisson input", Ann. Math. Stat. 38, 1967). Let X be the number
 * waiting just after a departure. The next batch takes b(X) = min(X, B) at once, or, when X = 0, the server idles
 * until the next arrival (mean 1/λ) and serves it alone. With A(t) the Poisson arrivals in t seconds,
 * {@code X' = X - b(X) + A(l(b(X)))}. Its stationary law π is computed on a truncated state space by the
 * Grassmann-Taksar-Heyman state-reduction algorithm (GTH, Oper. Res. 33, 1985), which needs no subtraction and is
 * numerically stable; the chain moves down by at most B and up by at most the Poisson support K, so the reduction
 * stays inside that band and costs O(N·B·K). K is where the Poisson tail of the arrivals in one batch falls below
 * 1e-16; the truncation level N puts the geometric tail, whose decay 1/γ solves {@code B ln γ = λ l(B) (γ - 1)},
 * below 1e-13, and the mass beyond N, extrapolated from the solution, is checked to be below 1e-12 (else N grows and
 * the chain is solved again). Renewal-reward over departure cycles (length C = idle + l(b)) then
 * gives exact figures:
 * <ul>
 *   <li>utilisation = P(wait) = E[l(b)] / E[C] (PASTA: an arrival waits iff the server is busy);
 *   <li>mean batch size = E_π[b];
 *   <li>mean wait = E[queue area per cycle] / (λ E[C]) (Little), with area {@code (X - b) l + λ l² / 2} per cycle;
 *   <li>mean response = mean wait + E_π[b l(b)] / E_π[b] (the service time a request sees).
 * </ul>
 * Percentiles of waiting and response time follow from the same chain by a tagged-request analysis
 * ({@link BatchDelays}), computed once and only when a percentile is asked for. All these figures are labelled
 * {@link Method#NUMERICAL}.
 *
 * <p><b>Several servers, or a max queue delay:</b> every figure comes from the simulator. The note of the result says
 * which method ran. An arrival rate at or above {@link InstanceConfig#saturationRatePerSecond()} gives an unstable
 * result.
 */
public final class BatchQueue implements QueueModel {
  /** The geometric tail beyond the truncation level, by the decay rate alone. */
  private static final double TAIL = 1e-13;
  /** The most probability the truncated chain may hold in its top states (checked after solving). */
  private static final double LOST_MASS = 1e-12;
  private static final int MAX_STATES = 200_000;
  /** The banded chain holds at most this many doubles (160 MB); larger problems go to the simulator. */
  private static final long MAX_BAND_ENTRIES = 20_000_000L;

  private final double arrivalRate;
  private final InstanceConfig config;
  private final QueueSimulator.Options options;

  private BatchQueue(double arrivalRate, InstanceConfig config, QueueSimulator.Options options) {
    this.arrivalRate = Checks.nonNegative("arrival rate (requests/s)", arrivalRate);
    this.config = Objects.requireNonNull(config, "config");
    this.options = Objects.requireNonNull(options, "options");
  }

  /** The batching queue of {@code config} at {@code arrivalRate} requests per second, default simulation options. */
  public static BatchQueue of(double arrivalRate, InstanceConfig config) {
    return new BatchQueue(arrivalRate, config, QueueSimulator.Options.defaults());
  }

  /** As {@link #of(double, InstanceConfig)}, with the simulator's options for the figures it estimates. */
  public static BatchQueue of(double arrivalRate, InstanceConfig config, QueueSimulator.Options options) {
    return new BatchQueue(arrivalRate, config, options);
  }

  @Override
  public String name() {
    return "batch";
  }

  /** Whether this configuration is solved numerically by the embedded chain (one server, work-conserving). */
  public boolean hasNumericalSolution() {
    return config.servers() == 1 && config.dispatch() == DispatchRule.workConserving();
  }

  @Override
  public QueueMetrics metrics() {
    double saturation = config.saturationRatePerSecond();
    if (arrivalRate >= saturation) {
      return QueueMetrics.unstable(name(), arrivalRate, arrivalRate / saturation, Method.EXACT);
    }
    if (arrivalRate == 0) {
      return idle();
    }
    QueueSimulator simulator = QueueSimulator.of(name(), config.servers(), config.maxBatch(), config.dispatch(),
        BatchServiceTime.deterministic(config.latency()), saturation, options);
    if (!hasNumericalSolution()) {
      QueueMetrics m = simulator.run(arrivalRate);
      return copy(m, m.utilization(), m.probWait(), m.meanWait(), m.meanResponse(), m.meanBatchSize().orElseThrow(),
          "simulation (" + (config.servers() > 1 ? config.servers() + " servers" : config.dispatch()) + "): "
              + m.note());
    }
    Chain chain = Chain.solve(arrivalRate, config);
    if (chain == null) {
      QueueMetrics m = simulator.run(arrivalRate);
      return copy(m, m.utilization(), m.probWait(), m.meanWait(), m.meanResponse(), m.meanBatchSize().orElseThrow(),
          "simulation (the exact chain would be too large at this load and max batch): " + m.note());
    }
    Supplier<BatchDelays> delays = memoize(chain::delays);
    return QueueMetrics.builder(name(), arrivalRate)
        .utilization(Estimate.numerical(chain.utilization))
        .probWait(Estimate.numerical(chain.utilization))
        .meanWait(Estimate.numerical(chain.meanWait))
        .meanResponse(Estimate.numerical(chain.meanResponse))
        .meanBatchSize(Estimate.numerical(chain.meanBatch))
        .waitPercentiles(p -> Estimate.numerical(delays.get().waitQuantile(p / 100)))
        .responsePercentiles(p -> Estimate.numerical(delays.get().responseQuantile(p / 100)))
        .note("embedded Markov chain at batch departures (" + chain.states + " states); percentiles by "
            + "tagged-request analysis")
        .build();
  }

  private QueueMetrics idle() {
    double l1 = config.latency().seconds(1);
    return QueueMetrics.builder(name(), 0)
        .utilization(Estimate.exact(0))
        .probWait(Estimate.exact(0))
        .meanWait(Estimate.exact(0))
        .meanResponse(Estimate.exact(l1))
        .meanBatchSize(Estimate.exact(1))
        .waitPercentiles(p -> Estimate.exact(0))
        .responsePercentiles(p -> Estimate.exact(l1))
        .note("no arrivals: every request is served alone at once")
        .build();
  }

  private QueueMetrics copy(QueueMetrics m, Estimate util, Estimate probWait, Estimate meanWait,
      Estimate meanResponse, Estimate meanBatch, String note) {
    return QueueMetrics.builder(name(), arrivalRate)
        .utilization(util)
        .probWait(probWait)
        .meanWait(meanWait)
        .meanResponse(meanResponse)
        .meanBatchSize(meanBatch)
        .waitPercentiles(m::waitPercentile)
        .responsePercentiles(m::responsePercentile)
        .confidenceLevel(m.confidenceLevel())
        .note(note)
        .build();
  }

  private static <T> Supplier<T> memoize(Supplier<T> s) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }

  /** The stationary solution of the embedded chain and the figures derived from it. */
  static final class Chain {
    final int states;
    final double[] pi;
    final double utilization;
    final double meanBatch;
    final double meanWait;
    final double meanResponse;
    final double cycle;
    final double lambda;
    final double[] latency;

    private Chain(int states, double[] pi, double utilization, double meanBatch, double meanWait,
        double meanResponse, double cycle, double lambda, double[] latency) {
      this.lambda = lambda;
      this.latency = latency;
      this.states = states;
      this.pi = pi;
      this.utilization = utilization;
      this.meanBatch = meanBatch;
      this.meanWait = meanWait;
      this.meanResponse = meanResponse;
      this.cycle = cycle;
    }

    /** The waiting- and response-time distributions (a tagged-request analysis over this chain). */
    BatchDelays delays() {
      return BatchDelays.of(lambda, latency, pi, cycle);
    }

    /**
     * Solves the chain, or returns null when the truncation would need more than {@link #MAX_STATES} states or
     * {@link #MAX_BAND_ENTRIES} stored transition probabilities.
     *
     * <p>Truncation: arrivals per batch are cut at {@code K}, where the Poisson tail (of the longest batch) falls below
     * 1e-16; states at {@code N = L + B + K}, where {@code L} levels of the geometric tail {@code δ^x} fall by
     * {@link #TAIL}. The mass beyond N is then estimated from the solution, {@code π_r δ^{N-r} / (1 - δ)} with
     * {@code r = N - B - K}, and checked against {@link #LOST_MASS}; if it is larger, L is doubled and the chain
     * solved again.
     */
    static Chain solve(double lambda, InstanceConfig config) {
      int bMax = config.maxBatch();
      double[] l = new double[bMax + 1];
      double lMax = 0;
      for (int b = 1; b <= bMax; b++) {
        l[b] = config.latency().seconds(b);
        lMax = Math.max(lMax, l[b]);
      }
      int k = BatchDelays.arrivalsBound(lambda * lMax);
      double decay = 1 / Numerics.outerRoot(bMax, lambda * l[bMax]);
      double levels = Math.log(TAIL) / Math.log(decay);
      double[][] pmf = null;
      while (true) {
        // Sizes first: the band of n rows of B + K + 1 also bounds the B tables of K + 1 below.
        if (!(levels + bMax + k < MAX_STATES)) {
          return null;
        }
        int n = (int) Math.ceil(levels) + bMax + k;
        if ((long) n * (bMax + k + 1) > MAX_BAND_ENTRIES) {
          return null;
        }
        if (pmf == null) {
          // Poisson pmfs of the arrivals during a batch of each size (only sizes 1..B occur).
          pmf = new double[bMax + 1][];
          for (int b = 1; b <= bMax; b++) {
            pmf[b] = new double[k + 1];
            Numerics.poissonPmf(lambda * l[b], pmf[b]);
          }
        }
        double[] pi = stationary(n, bMax, k, pmf);
        // The tail beyond N extrapolated from the state B + K below it (out of reach of the lumped top state's
        // direct effect) at the asymptotic decay; conservative where the bulk there falls faster than the tail.
        int ref = n - bMax - k;
        double lost = pi[ref] * Math.pow(decay, bMax + k) / (1 - decay);
        if (lost <= LOST_MASS) {
          return figures(lambda, l, pi);
        }
        levels *= 2;
      }
    }

    /**
     * The stationary law of the chain truncated to states 0..n-1 (arrivals beyond the top lumped into it) by GTH state
     * reduction from the top state down, normalised to 1.
     */
    private static double[] stationary(int n, int bMax, int k, double[][] pmf) {
      int width = bMax + k + 1; // row x holds columns x - B .. x + K
      double[][] band = new double[n][width];
      for (int x = 0; x < n; x++) {
        int b = x == 0 ? 1 : Math.min(x, bMax);
        int base = x == 0 ? 0 : x - b;
        double[] p = pmf[b];
        double lumped = 0;
        for (int a = 0; a <= k; a++) {
          int y = base + a;
          if (y >= n - 1) {
            lumped += p[a];
          } else {
            band[x][y - x + bMax] += p[a];
          }
        }
        if (lumped > 0) {
          band[x][n - 1 - x + bMax] += lumped; // n - 1 <= x + K whenever lumping happens
        }
      }
      double[] out = new double[n];
      for (int s = n - 1; s >= 1; s--) {
        double[] row = band[s];
        int jLo = Math.max(0, s - bMax);
        double sum = 0;
        for (int j = jLo; j < s; j++) {
          sum += row[j - s + bMax];
        }
        out[s] = sum;
        for (int i = Math.max(0, s - k); i < s; i++) {
          double[] ri = band[i];
          double f = ri[s - i + bMax];
          if (f == 0) {
            continue;
          }
          f /= sum;
          for (int j = jLo; j < s; j++) {
            ri[j - i + bMax] += f * row[j - s + bMax];
          }
        }
      }
      double[] pi = new double[n];
      pi[0] = 1;
      double total = 1;
      for (int s = 1; s < n; s++) {
        double acc = 0;
        for (int i = Math.max(0, s - k); i < s; i++) {
          acc += pi[i] * band[i][s - i + bMax];
        }
        pi[s] = acc / out[s];
        total += pi[s];
      }
      for (int x = 0; x < n; x++) {
        pi[x] /= total;
      }
      return pi;
    }

    /** Renewal-reward figures over departure cycles; see the class comment. */
    private static Chain figures(double lambda, double[] l, double[] pi) {
      int n = pi.length;
      int bMax = l.length - 1;
      double cycle = 0;
      double busy = 0;
      double batch = 0;
      double area = 0;
      double served = 0;
      for (int x = 0; x < n; x++) {
        int b = x == 0 ? 1 : Math.min(x, bMax);
        int left = x == 0 ? 0 : x - b;
        double lb = l[b];
        cycle += pi[x] * ((x == 0 ? 1 / lambda : 0) + lb);
        busy += pi[x] * lb;
        batch += pi[x] * b;
        area += pi[x] * (left * lb + lambda * lb * lb / 2);
        served += pi[x] * b * lb;
      }
      double meanWait = area / (lambda * cycle);
      return new Chain(n, pi, busy / cycle, batch, meanWait, meanWait + served / batch, cycle, lambda, l);
    }
  }
}

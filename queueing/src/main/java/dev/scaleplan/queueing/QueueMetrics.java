package dev.scaleplan.queueing;

import dev.scaleplan.api.Checks;
import java.util.Objects;
import java.util.Optional;

/**
 * What every queueing model returns: utilisation, stability, probability of waiting, mean wait and response, and
 * percentiles of waiting and response time, each an {@link Estimate} that says how it was produced.
 *
 * <p>Times are in seconds. Waiting time is from arrival to the start of the request's service (its batch's start);
 * response time is from arrival to completion. An unstable queue (offered load at or above capacity) has
 * {@code stable() == false}, probability of waiting 1 and every delay {@code +Infinity}; it is a result, not an error.
 */
public final class QueueMetrics {
  private final String model;
  private final double arrivalRate;
  private final boolean stable;
  private final Estimate utilization;
  private final Estimate probWait;
  private final Estimate meanWait;
  private final Estimate meanResponse;
  private final Estimate meanBatchSize;
  private final Percentiles wait;
  private final Percentiles response;
  private final double confidenceLevel;
  private final String note;

  private QueueMetrics(Builder b) {
    this.model = Objects.requireNonNull(b.model, "model");
    this.arrivalRate = b.arrivalRate;
    this.stable = b.stable;
    this.utilization = Objects.requireNonNull(b.utilization, "utilization");
    this.probWait = Objects.requireNonNull(b.probWait, "probWait");
    this.meanWait = Objects.requireNonNull(b.meanWait, "meanWait");
    this.meanResponse = Objects.requireNonNull(b.meanResponse, "meanResponse");
    this.meanBatchSize = b.meanBatchSize;
    this.wait = Objects.requireNonNull(b.wait, "wait percentiles");
    this.response = Objects.requireNonNull(b.response, "response percentiles");
    this.confidenceLevel = b.confidenceLevel;
    this.note = b.note;
  }

  /** A builder for models; all figures but {@code meanBatchSize} and {@code note} are required. */
  public static Builder builder(String model, double arrivalRate) {
    return new Builder(model, arrivalRate);
  }

  /**
   * The result for a queue at or beyond saturation: not stable, probability of waiting 1, infinite delays.
   *
   * @param utilization offered load per server, {@code >= 1}
   * @param method how the utilisation (and so the verdict) was obtained
   */
  public static QueueMetrics unstable(String model, double arrivalRate, double utilization, Method method) {
    Estimate inf = Estimate.of(Double.POSITIVE_INFINITY, method);
    Percentiles infinite = p -> {
      Checks.percentile("percentile", p);
      return inf;
    };
    return builder(model, arrivalRate)
        .stable(false)
        .utilization(Estimate.of(utilization, method))
        .probWait(Estimate.of(1.0, method))
        .meanWait(inf)
        .meanResponse(inf)
        .waitPercentiles(infinite)
        .responsePercentiles(infinite)
        .note("unstable: offered load " + utilization + " per server is at or above 1")
        .build();
  }

  public String model() {
    return model;
  }

  /** The arrival rate in requests per second. */
  public double arrivalRate() {
    return arrivalRate;
  }

  /** Whether the queue has a steady state; if not, every delay is {@code +Infinity}. */
  public boolean stable() {
    return stable;
  }

  /** Fraction of time a server is busy (offered load per server for stable queues). */
  public Estimate utilization() {
    return utilization;
  }

  /** Probability that an arriving request waits before its service starts. */
  public Estimate probWait() {
    return probWait;
  }

  /** Mean waiting time in seconds. */
  public Estimate meanWait() {
    return meanWait;
  }

  /** Mean response time (waiting plus service) in seconds. */
  public Estimate meanResponse() {
    return meanResponse;
  }

  /** Mean number of requests per batch, for batching models; empty for one-at-a-time models. */
  public Optional<Estimate> meanBatchSize() {
    return Optional.ofNullable(meanBatchSize);
  }

  /** The {@code percentile}-th percentile of waiting time in seconds ({@code percentile} in (0, 100)). */
  public Estimate waitPercentile(double percentile) {
    return wait.at(Checks.percentile("percentile", percentile));
  }

  /** The {@code percentile}-th percentile of response time in seconds ({@code percentile} in (0, 100)). */
  public Estimate responsePercentile(double percentile) {
    return response.at(Checks.percentile("percentile", percentile));
  }

  public Estimate waitP50() {
    return waitPercentile(50);
  }

  public Estimate waitP95() {
    return waitPercentile(95);
  }

  public Estimate waitP99() {
    return waitPercentile(99);
  }

  public Estimate responseP50() {
    return responsePercentile(50);
  }

  public Estimate responseP95() {
    return responsePercentile(95);
  }

  public Estimate responseP99() {
    return responsePercentile(99);
  }

  /** Confidence level of the intervals of simulated figures (0.95 unless the simulator was told otherwise). */
  public double confidenceLevel() {
    return confidenceLevel;
  }

  /** A short human note on the method (for example the approximation's name); may be empty. */
  public String note() {
    return note;
  }

  /** The method that produced the headline figures: the least exact method among them. */
  public Method method() {
    Method worst = Method.EXACT;
    for (Estimate e : new Estimate[] {utilization, probWait, meanWait, meanResponse, waitP99(), responseP99()}) {
      if (e.method().ordinal() > worst.ordinal()) {
        worst = e.method();
      }
    }
    if (meanBatchSize != null && meanBatchSize.method().ordinal() > worst.ordinal()) {
      worst = meanBatchSize.method();
    }
    return worst;
  }

  @Override
  public String toString() {
    return model + "{rate=" + arrivalRate + ", stable=" + stable + ", utilization=" + utilization.value()
        + ", meanWait=" + meanWait.value() + ", meanResponse=" + meanResponse.value()
        + ", responseP99=" + responseP99().value() + ", method=" + method() + "}";
  }

  /** Collects the figures of a {@link QueueMetrics}. */
  public static final class Builder {
    private final String model;
    private final double arrivalRate;
    private boolean stable = true;
    private Estimate utilization;
    private Estimate probWait;
    private Estimate meanWait;
    private Estimate meanResponse;
    private Estimate meanBatchSize;
    private Percentiles wait;
    private Percentiles response;
    private double confidenceLevel = 0.95;
    private String note = "";

    private Builder(String model, double arrivalRate) {
      this.model = model;
      this.arrivalRate = Checks.nonNegative("arrival rate (requests/s)", arrivalRate);
    }

    public Builder stable(boolean stable) {
      this.stable = stable;
      return this;
    }

    public Builder utilization(Estimate e) {
      this.utilization = e;
      return this;
    }

    public Builder probWait(Estimate e) {
      this.probWait = e;
      return this;
    }

    public Builder meanWait(Estimate e) {
      this.meanWait = e;
      return this;
    }

    public Builder meanResponse(Estimate e) {
      this.meanResponse = e;
      return this;
    }

    public Builder meanBatchSize(Estimate e) {
      this.meanBatchSize = e;
      return this;
    }

    public Builder waitPercentiles(Percentiles p) {
      this.wait = p;
      return this;
    }

    public Builder responsePercentiles(Percentiles p) {
      this.response = p;
      return this;
    }

    public Builder confidenceLevel(double level) {
      if (!(level > 0 && level < 1)) {
        throw new IllegalArgumentException("The confidence level (" + level + ") must be in (0, 1).");
      }
      this.confidenceLevel = level;
      return this;
    }

    public Builder note(String note) {
      this.note = Objects.requireNonNull(note, "note");
      return this;
    }

    public QueueMetrics build() {
      return new QueueMetrics(this);
    }
  }
}

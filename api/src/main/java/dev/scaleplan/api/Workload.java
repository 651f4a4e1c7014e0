package dev.scaleplan.api;

/**
 * The arrival process of requests to a model. Today a Poisson process of a given rate; arrival traces come with the
 * testkit's trace readers.
 */
public sealed interface Workload permits Workload.Poisson {

  /** The long-run mean arrival rate in requests per second. */
  double meanRatePerSecond();

  /** A Poisson arrival process. */
  static Poisson poisson(double ratePerSecond) {
    return new Poisson(ratePerSecond);
  }

  /**
   * Poisson arrivals: exponential inter-arrival times with mean {@code 1 / ratePerSecond}.
   *
   * @param ratePerSecond arrivals per second, finite and at least 0 (0 means no traffic)
   */
  record Poisson(double ratePerSecond) implements Workload {
    public Poisson {
      Checks.nonNegative("arrival rate (requests/s)", ratePerSecond);
    }

    @Override
    public double meanRatePerSecond() {
      return ratePerSecond;
    }
  }
}

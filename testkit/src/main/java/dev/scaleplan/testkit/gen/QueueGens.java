package dev.scaleplan.testkit.gen;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;

/** Generators of queueing inputs: stable parameter sets, batch latencies, instance configurations, SLOs. */
public final class QueueGens {
  private QueueGens() {}

  /**
   * A stable M/M/c (or M/D/c, M/G/c) parameter set.
   *
   * @param arrivalRate λ in requests per second
   * @param servers c
   * @param meanServiceSeconds mean service time s
   */
  public record MultiServer(double arrivalRate, int servers, double meanServiceSeconds) {
    /** Utilisation λ s / c. */
    public double utilization() {
      return arrivalRate * meanServiceSeconds / servers;
    }
  }

  /**
   * Stable multi-server parameter sets: servers 1 to {@code maxServers} (few at small sizes), mean service 1 ms to
   * 1 s log-uniform, utilisation uniform in [{@code minUtilization}, {@code maxUtilization}].
   */
  public static Gen<MultiServer> stableMultiServer(int maxServers, double minUtilization, double maxUtilization) {
    if (!(0 < minUtilization && minUtilization < maxUtilization && maxUtilization < 1)) {
      throw new IllegalArgumentException("The utilisation range [" + minUtilization + ", " + maxUtilization
          + "] must lie strictly inside (0, 1).");
    }
    Gen<Integer> servers = Gen.ints(1, maxServers);
    Gen<Double> service = Gen.logUniform(1e-3, 1);
    Gen<Double> rho = Gen.doubles(minUtilization, maxUtilization);
    return (rng, size) -> {
      int c = servers.generate(rng, size);
      double s = service.generate(rng, size);
      double u = rho.generate(rng, size);
      return new MultiServer(u * c / s, c, s);
    };
  }

  /** Affine batch latencies: fixed part 0.1 to 20 ms, per-item part 0.01 to 5 ms, both log-uniform. */
  public static Gen<BatchLatency.Affine> affineLatency() {
    Gen<Double> fixed = Gen.logUniform(1e-4, 2e-2);
    Gen<Double> perItem = Gen.logUniform(1e-5, 5e-3);
    return (rng, size) -> BatchLatency.affine(fixed.generate(rng, size), perItem.generate(rng, size));
  }

  /** Instances with 1 to {@code maxServers} servers, max batch 1 to 64, an affine latency, work-conserving. */
  public static Gen<InstanceConfig> instance(int maxServers) {
    Gen<Integer> servers = Gen.ints(1, maxServers);
    Gen<Integer> batch = Gen.ints(1, 64);
    Gen<BatchLatency.Affine> latency = affineLatency();
    return (rng, size) -> new InstanceConfig(servers.generate(rng, size), batch.generate(rng, size),
        latency.generate(rng, size), DispatchRule.workConserving());
  }

  /** SLOs at p50, p90, p95, p99 or p99.9 with targets from {@code minSeconds} to {@code maxSeconds}. */
  public static Gen<Slo> slo(double minSeconds, double maxSeconds) {
    Gen<Double> percentile = Gen.oneOf(50.0, 90.0, 95.0, 99.0, 99.9);
    Gen<Double> target = Gen.logUniform(minSeconds, maxSeconds);
    return (rng, size) -> Slo.of(percentile.generate(rng, size), target.generate(rng, size));
  }
}

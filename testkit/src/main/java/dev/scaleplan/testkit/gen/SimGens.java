package dev.scaleplan.testkit.gen;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.solvers.batching.BatchDispatcher;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.testkit.trace.ArrivalStream;
import dev.scaleplan.testkit.trace.Arrivals;
import java.util.function.Supplier;

/**
 * Generators for the cluster simulator: instance kinds (deployments) and workloads, valid by construction. A workload
 * is a {@link Supplier} of fresh arrival streams, so that several policies can replay the same one.
 */
public final class SimGens {
  private SimGens() {}

  /**
   * Instance kinds: an affine batch latency (1 to 20 ms plus 0.05 to 2 ms per request), 1 to 4 servers sharing the
   * queue, a max batch of 1 to 32, any dispatch rule (work-conserving, max queue delay of 1 to 10 ms, or one of
   * Symphony's), deterministic service.
   */
  public static Gen<InstanceSpec> instances() {
    Gen<InstanceSpec.Dispatch> dispatch = Gen.oneOfGens(
        Gen.constant(InstanceSpec.Dispatch.workConserving()),
        Gen.doubles(0.001, 0.010).map(InstanceSpec.Dispatch::maxQueueDelay),
        Gen.oneOf(BatchDispatcher.Rule.values()).map(InstanceSpec.Dispatch::symphony));
    return (rng, size) -> {
      BatchLatency latency = BatchLatency.affine(Gen.doubles(0.001, 0.020).generate(rng, size),
          Gen.doubles(0.00005, 0.002).generate(rng, size));
      int servers = Gen.ints(1, 4).generate(rng, size);
      return new InstanceSpec("gen", latency, servers, Gen.ints(1, 32).generate(rng, size),
          dispatch.generate(rng, size), servers, InstanceSpec.Service.DETERMINISTIC);
    };
  }

  /**
   * Workloads of 10 to 10 + 2 size seconds: Poisson, bursty (MMPP) or diurnal, at a mean rate from 1 to
   * {@code maxRate} requests per second (log-uniform), each seeded.
   */
  public static Gen<Supplier<ArrivalStream>> workloads(double maxRate) {
    return (rng, size) -> {
      double rate = Gen.logUniform(1, maxRate).generate(rng, size);
      double duration = 10 + 2.0 * size;
      long seed = rng.nextLong();
      int kind = rng.nextInt(3);
      return switch (kind) {
        case 0 -> () -> Arrivals.poisson(rate, duration, seed);
        case 1 -> () -> Arrivals.bursty(rate / 2, rate * 5.5, 9, 1, duration, seed);
        default -> () -> Arrivals.diurnal(rate, 0.8, duration / 2, duration, seed);
      };
    };
  }
}

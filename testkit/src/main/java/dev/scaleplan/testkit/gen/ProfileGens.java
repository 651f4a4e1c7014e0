package dev.scaleplan.testkit.gen;

import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.ModelFacts;
import java.util.OptionalLong;
import dev.scaleplan.profiler.Phase;
import java.util.TreeSet;

/** Generators of latency profiles for property tests. */
public final class ProfileGens {
  private static final String[] GPUS = {"A100-80GB", "H100-80GB", "T4", "L4", "A40"};

  private ProfileGens() {}

  /**
   * Profiles of 1 to 3 curves (GPU, parallel degree 1 to 8, any phase), each with 1 to 10 distinct batch sizes in
   * 1..512. Latencies follow an affine shape with multiplicative noise of up to ±30%, so curves may dip, as measured
   * data does; p99 is the mean times 1 to 1.5. Half of them carry {@link ModelFacts} (1 to 96 layers).
   */
  public static Gen<LatencyProfile> profiles() {
    Gen<Integer> curves = Gen.ints(1, 3);
    Gen<Integer> points = Gen.ints(1, 10);
    Gen<Integer> batch = Gen.ints(1, 512);
    Gen<Double> fixed = Gen.logUniform(1e-4, 5e-2);
    Gen<Double> perItem = Gen.logUniform(1e-6, 1e-3);
    Gen<Double> noise = Gen.doubles(0.7, 1.3);
    Gen<Double> tail = Gen.doubles(1.0, 1.5);
    return (rng, size) -> {
      LatencyProfile.Builder b = LatencyProfile.builder("model-" + rng.nextInt(1000)).source("generated");
      if (rng.nextBoolean()) {
        int layers = 1 + rng.nextInt(96);
        long[] bytes = new long[layers];
        double[] weights = new double[layers];
        double total = 0;
        for (int i = 0; i < layers; i++) {
          bytes[i] = 1 + rng.nextLong(4_000_000_000L);
          weights[i] = 0.5 + rng.nextDouble();
          total += weights[i];
        }
        double[] shares = new double[layers];
        double sum = 0;
        for (int i = 0; i < layers - 1; i++) {
          shares[i] = weights[i] / total;
          sum += shares[i];
        }
        shares[layers - 1] = Math.max(0, 1 - sum);
        long parameters = java.util.Arrays.stream(bytes).sum() + rng.nextLong(1_000_000_000L);
        b.facts(new ModelFacts(OptionalLong.of(parameters), bytes, shares, OptionalLong.of(1 + rng.nextLong(1L << 24)),
            rng.nextBoolean() ? OptionalLong.empty() : OptionalLong.of(parameters * 2)));
      }
      int n = curves.generate(rng, size);
      for (int c = 0; c < n; c++) {
        String gpu = GPUS[c % GPUS.length];
        int degree = 1 << rng.nextInt(4);
        Phase phase = Phase.values()[rng.nextInt(Phase.values().length)];
        double f = fixed.generate(rng, size);
        double k = perItem.generate(rng, size);
        TreeSet<Integer> batches = new TreeSet<>();
        int target = points.generate(rng, size);
        while (batches.size() < target) {
          batches.add(batch.generate(rng, Gen.MAX_SIZE));
        }
        for (int bs : batches) {
          double mean = (f + k * bs) * noise.generate(rng, size);
          b.add(gpu, degree, phase, bs, mean, mean * tail.generate(rng, size));
        }
      }
      return b.build();
    };
  }
}

package dev.scaleplan.testkit.gen;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Runs a check over generated cases, reproducibly. The seed is fixed per property (derived from its name) so a test
 * suite gives the same cases on every machine, and can be overridden with the system property
 * {@value #SEED_PROPERTY} to explore other cases or replay a reported one. Every failure says which property, case,
 * seed and value failed and how to replay it.
 *
 * <p>It is framework-neutral: {@link #check} runs all cases and throws on the first failure; {@link #cases} returns
 * one runnable per case, which JUnit 5 turns into dynamic tests with
 * {@code Property.cases(...).map(c -> DynamicTest.dynamicTest(c.name(), c::run))}.
 */
public final class Property {
  /** System property that overrides every property's seed: {@code -Dscaleplan.seed=12345}. */
  public static final String SEED_PROPERTY = "scaleplan.seed";

  private Property() {}

  /** One generated case: its name (with seed and index) and the check to run on it. */
  public record Case(String name, Runnable check) implements Runnable {
    @Override
    public void run() {
      check.run();
    }
  }

  /** The seed a property of this name uses: the system property if set, else a hash of the name. */
  public static long seed(String propertyName) {
    String override = System.getProperty(SEED_PROPERTY);
    if (override != null && !override.isBlank()) {
      try {
        return Long.parseLong(override.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "The system property " + SEED_PROPERTY + " (" + override + ") must be a whole number.");
      }
    }
    long h = 1125899906842597L;
    for (int i = 0; i < propertyName.length(); i++) {
      h = 31 * h + propertyName.charAt(i);
    }
    return h;
  }

  /**
   * The cases of a property: case i draws from its own random stream split from the seed, with a size that grows
   * from 1 to {@link Gen#MAX_SIZE} across the cases.
   */
  public static <T> Stream<Case> cases(String propertyName, Gen<T> gen, int count, Consumer<? super T> check) {
    Objects.requireNonNull(gen, "gen");
    Objects.requireNonNull(check, "check");
    if (count < 1) {
      throw new IllegalArgumentException("The case count (" + count + ") must be at least 1.");
    }
    long seed = seed(propertyName);
    return IntStream.range(0, count).mapToObj(i -> {
      int size = 1 + (int) ((long) (Gen.MAX_SIZE - 1) * i / Math.max(1, count - 1));
      RandomGenerator rng = caseRandom(seed, i);
      T value = gen.generate(rng, size);
      String name = propertyName + " #" + i + " (seed " + seed + ")";
      return new Case(name, () -> {
        try {
          check.accept(value);
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError("Property '" + propertyName + "' failed at case " + i + " of " + count
              + " with seed " + seed + " (replay with -D" + SEED_PROPERTY + "=" + seed + "): " + value
              + "\n" + e.getMessage(), e);
        }
      });
    });
  }

  /** Runs every case and throws the first failure. */
  public static <T> void check(String propertyName, Gen<T> gen, int count, Consumer<? super T> check) {
    cases(propertyName, gen, count, check).forEach(Case::run);
  }

  /** The random stream of case {@code index} under {@code seed}: independent of how many cases run before it. */
  public static RandomGenerator caseRandom(long seed, int index) {
    SplittableRandom root = new SplittableRandom(seed);
    return new SplittableRandom(root.nextLong() ^ (0x9E3779B97F4A7C15L * (index + 1)));
  }
}

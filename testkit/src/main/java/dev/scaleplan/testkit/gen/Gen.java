package dev.scaleplan.testkit.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A seeded generator of test cases: a function of a random source and a size. Sizes start small and grow over the
 * cases of a property ({@link Property}), so the first failures found tend to be small ones. Framework-neutral: it
 * needs only a {@link RandomGenerator}, so any test framework (or none) can drive it.
 *
 * @param <T> the generated type
 */
@FunctionalInterface
public interface Gen<T> {
  /** The largest size {@link Property} passes; generators scale their ranges by {@code size / MAX_SIZE}. */
  int MAX_SIZE = 100;

  /**
   * One value.
   *
   * @param rng the random source; the same state gives the same value
   * @param size how large a case to make, 1 to {@link #MAX_SIZE}
   */
  T generate(RandomGenerator rng, int size);

  /** The generated values passed through {@code f}. */
  default <R> Gen<R> map(Function<? super T, ? extends R> f) {
    Objects.requireNonNull(f, "f");
    return (rng, size) -> f.apply(generate(rng, size));
  }

  /** A generator chosen by the value of this one. */
  default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<R>> f) {
    Objects.requireNonNull(f, "f");
    return (rng, size) -> f.apply(generate(rng, size)).generate(rng, size);
  }

  /**
   * Only the values that satisfy {@code keep}; retries up to 1,000 times and then fails with an
   * {@link IllegalStateException} naming the predicate's rejection rate, rather than looping forever.
   */
  default Gen<T> filter(Predicate<? super T> keep) {
    Objects.requireNonNull(keep, "keep");
    return (rng, size) -> {
      for (int attempt = 0; attempt < 1000; attempt++) {
        T value = generate(rng, size);
        if (keep.test(value)) {
          return value;
        }
      }
      throw new IllegalStateException(
          "The filter rejected 1,000 values in a row; generate valid values directly instead of filtering.");
    };
  }

  /** Lists of {@code minLength} to {@code maxLength} values (longer lists at larger sizes). */
  default Gen<List<T>> list(int minLength, int maxLength) {
    if (minLength < 0 || maxLength < minLength) {
      throw new IllegalArgumentException(
          "The list length range [" + minLength + ", " + maxLength + "] must satisfy 0 <= min <= max.");
    }
    Gen<Integer> length = ints(minLength, maxLength);
    return (rng, size) -> {
      int n = length.generate(rng, size);
      List<T> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(generate(rng, size));
      }
      return List.copyOf(out);
    };
  }

  /** Always {@code value}. */
  static <T> Gen<T> constant(T value) {
    return (rng, size) -> value;
  }

  /**
   * Integers in {@code [lo, hi]}; at size s the range is cut to {@code [lo, lo + (hi - lo) * s / MAX_SIZE]}, so small
   * sizes give values near {@code lo}.
   */
  static Gen<Integer> ints(int lo, int hi) {
    if (hi < lo) {
      throw new IllegalArgumentException("The range [" + lo + ", " + hi + "] is empty.");
    }
    return (rng, size) -> {
      long span = (long) hi - lo;
      long top = lo + Math.max(0, Math.round(span * (double) clamp(size) / MAX_SIZE));
      return (int) rng.nextLong(lo, top + 1);
    };
  }

  /** Doubles uniform in {@code [lo, hi)} (not scaled by size: a rate or a probability has no "small"). */
  static Gen<Double> doubles(double lo, double hi) {
    if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
      throw new IllegalArgumentException("The range [" + lo + ", " + hi + ") must be finite and non-empty.");
    }
    return (rng, size) -> rng.nextDouble(lo, hi);
  }

  /**
   * Doubles whose logarithm is uniform in {@code [ln lo, ln hi)}: every order of magnitude equally likely, the right
   * shape for rates, times and sizes that span decades.
   */
  static Gen<Double> logUniform(double lo, double hi) {
    if (!(lo > 0 && lo < hi) || !Double.isFinite(hi)) {
      throw new IllegalArgumentException("The range [" + lo + ", " + hi + ") must satisfy 0 < lo < hi < infinity.");
    }
    double a = Math.log(lo);
    double b = Math.log(hi);
    return (rng, size) -> Math.min(Math.exp(rng.nextDouble(a, b)), Math.nextDown(hi));
  }

  /** One of the given values, uniformly. */
  @SafeVarargs
  static <T> Gen<T> oneOf(T... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("oneOf needs at least one value.");
    }
    List<T> copy = new ArrayList<>(values.length);
    for (T v : values) {
      copy.add(Objects.requireNonNull(v, "oneOf value"));
    }
    return (rng, size) -> copy.get(rng.nextInt(copy.size()));
  }

  /** A value from one of the given generators, chosen uniformly. */
  @SafeVarargs
  static <T> Gen<T> oneOfGens(Gen<? extends T>... gens) {
    if (gens.length == 0) {
      throw new IllegalArgumentException("oneOfGens needs at least one generator.");
    }
    List<Gen<? extends T>> copy = new ArrayList<>(gens.length);
    for (Gen<? extends T> g : gens) {
      copy.add(Objects.requireNonNull(g, "oneOfGens generator"));
    }
    return oneOfGens(copy);
  }

  /** A value from one of the listed generators, chosen uniformly. */
  static <T> Gen<T> oneOfGens(List<? extends Gen<? extends T>> gens) {
    if (gens.isEmpty()) {
      throw new IllegalArgumentException("oneOfGens needs at least one generator.");
    }
    List<Gen<? extends T>> copy = List.copyOf(gens);
    return (rng, size) -> copy.get(rng.nextInt(copy.size())).generate(rng, size);
  }

  private static int clamp(int size) {
    return Math.max(1, Math.min(MAX_SIZE, size));
  }
}

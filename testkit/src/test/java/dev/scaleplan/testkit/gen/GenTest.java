package dev.scaleplan.testkit.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GenTest {

  @Test
  void sameSeedSameValues() {
    Gen<List<Double>> gen = Gen.logUniform(1e-3, 1).list(0, 20);
    assertEquals(gen.generate(new SplittableRandom(7), 50), gen.generate(new SplittableRandom(7), 50));
    assertNotEquals(gen.generate(new SplittableRandom(7), 50), gen.generate(new SplittableRandom(8), 50));
  }

  @Test
  void intsStayInRangeAndStartSmall() {
    Gen<Integer> gen = Gen.ints(3, 1003);
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 10_000; i++) {
      int small = gen.generate(rng, 1);
      assertTrue(small >= 3 && small <= 13, "size 1 covers [3, 13], got " + small);
      int any = gen.generate(rng, Gen.MAX_SIZE);
      assertTrue(any >= 3 && any <= 1003, "got " + any);
    }
  }

  @Test
  void logUniformCoversEveryDecadeEvenly() {
    Gen<Double> gen = Gen.logUniform(1e-3, 1e3);
    SplittableRandom rng = new SplittableRandom(2);
    int[] decades = new int[6];
    int n = 60_000;
    for (int i = 0; i < n; i++) {
      double x = gen.generate(rng, 1);
      assertTrue(x >= 1e-3 && x < 1e3);
      decades[(int) Math.floor(Math.log10(x) + 3)]++;
    }
    for (int count : decades) {
      assertEquals(n / 6.0, count, 5 * Math.sqrt(n / 6.0)); // binomial sd about sqrt(n p); 5 sd
    }
  }

  @Test
  void filterGivesUpWithAClearMessage() {
    Gen<Integer> never = Gen.ints(0, 10).filter(x -> x > 10);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> never.generate(new SplittableRandom(0), 100));
    assertTrue(e.getMessage().contains("1,000"), e.getMessage());
    Gen<Integer> even = Gen.ints(0, 100).filter(x -> x % 2 == 0);
    assertEquals(0, even.generate(new SplittableRandom(3), 100) % 2);
  }

  @Test
  void mapFlatMapAndOneOf() {
    Gen<String> gen = Gen.oneOf(1, 2, 3).flatMap(n -> Gen.constant("x").list(n, n)).map(l -> String.join("", l));
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < 100; i++) {
      String s = gen.generate(rng, 10);
      assertTrue(s.equals("x") || s.equals("xx") || s.equals("xxx"), s);
    }
  }

  @Test
  void propertyReportsSeedCaseAndValueOnFailure() {
    AssertionError e = assertThrows(AssertionError.class,
        () -> Property.check("ints below 50", Gen.ints(0, 100), 100, x -> assertTrue(x < 50)));
    assertTrue(e.getMessage().contains("Property 'ints below 50' failed at case"), e.getMessage());
    assertTrue(e.getMessage().contains("-Dscaleplan.seed=" + Property.seed("ints below 50")), e.getMessage());
  }

  @Test
  void casesAreIndependentOfHowManyRun() {
    // Gen.doubles ignores the size, so case i must give the same value whether 10 or 100 cases run.
    List<Double> firstTen = new ArrayList<>();
    Property.check("prefix", Gen.doubles(0, 1), 10, firstTen::add);
    List<Double> fromHundred = new ArrayList<>();
    Property.cases("prefix", Gen.doubles(0, 1), 100, fromHundred::add).limit(10).forEach(Runnable::run);
    assertEquals(10, firstTen.size());
    assertEquals(firstTen, fromHundred);
    assertNotEquals(firstTen.get(0), firstTen.get(1), "cases draw from different streams");
  }

  @Test
  void stableMultiServerIsStable() {
    Property.check("stable multi-server", QueueGens.stableMultiServer(64, 0.1, 0.95), 500, p -> {
      assertTrue(p.utilization() >= 0.1 && p.utilization() < 0.95 + 1e-12, p.toString());
      assertTrue(p.servers() >= 1 && p.servers() <= 64);
    });
  }
}

package dev.scaleplan.testkit.properties;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.solvers.ilp.CpSatPlanner;
import dev.scaleplan.solvers.ilp.IlpOptions;
import dev.scaleplan.solvers.scaling.Cluster;
import dev.scaleplan.solvers.scaling.InstanceOption;
import dev.scaleplan.solvers.scaling.OptionCatalog;
import dev.scaleplan.solvers.scaling.PlanCheck;
import dev.scaleplan.solvers.scaling.ScalingPlan;
import dev.scaleplan.solvers.scaling.ScalingPlan.Status;
import dev.scaleplan.solvers.scaling.ScalingProblem;
import dev.scaleplan.solvers.scaling.TargetDp;
import dev.scaleplan.testkit.gen.Gen;
import dev.scaleplan.testkit.gen.Property;
import dev.scaleplan.testkit.gen.ScalingGens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Properties of the target planners (the DP and the CP-SAT integer program) over generated problems, driven by the
 * testkit's seeded generators ({@link ScalingGens}).
 */
class ScalingPropertiesTest {
  /** One worker: CP-SAT is then deterministic for a seed; 10 s is far above the milliseconds these models take. */
  private static final IlpOptions ILP = new IlpOptions(10, 1, 1);

  // ---------------------------------------------------------------------------------------------------------------
  // 1. The DP optimum equals exhaustive enumeration on small problems.

  /**
   * Small problems, half of each kind: 1 to 4 options (uniformly, at every size) of any capacity from 10 to 100
   * requests/s at a rate up to 4 times the largest capacity; or 1 to 4 competing options (at most 8 GPUs, capacities
   * close to proportional to their GPUs, so plans mix options) at 0.5 to 10 times the largest. One list in ten has an
   * option whose capacity rounds to 0 units. Plans then have few enough instances to enumerate.
   */
  private static Gen<ScalingProblem> smallProblems() {
    Gen<List<InstanceOption>> any = ScalingGens.options(Integer.MAX_VALUE, 10, 100).list(1, 4);
    Gen<List<InstanceOption>> anyLength = (rng, size) -> any.generate(rng, Gen.MAX_SIZE);
    return Gen.oneOfGens(ScalingGens.problems(withDeadOption(anyLength), 0.05, 4),
        ScalingGens.problems(withDeadOption(ScalingGens.competingOptionLists(1, 4, 8)), 0.5, 10));
  }

  /** One list in ten gets an option of capacity 0.0004 req/s, below ScalingProblem.CAPACITY_UNIT (1e-3): 0 units. */
  private static Gen<List<InstanceOption>> withDeadOption(Gen<List<InstanceOption>> lists) {
    return (rng, size) -> {
      List<InstanceOption> l = new ArrayList<>(lists.generate(rng, size));
      if (rng.nextInt(10) == 0) {
        int i = rng.nextInt(l.size());
        InstanceOption o = l.get(i);
        l.set(i, new InstanceOption(o.gpuType(), o.parallelDegree(), o.config(), 0.0004, o.capacityMethod()));
      }
      return List.copyOf(l);
    };
  }

  @TestFactory
  Stream<DynamicTest> dpOptimumEqualsBruteForce() {
    return Property.cases("DP optimum equals brute force", smallProblems(), 3000, p -> {
      OptionalLong expected = BruteForce.minCostUnits(p);
      ScalingPlan dp = TargetDp.solve(p);
      String ctx = p + " options " + p.options();
      if (expected.isEmpty()) {
        // Expected: infeasible, because the exhaustive enumeration found no plan.
        assertEquals(Status.INFEASIBLE, dp.status(), "brute force finds no plan; DP says " + dp.groups() + " " + ctx);
        assertFalse(dp.reason().isBlank(), "an infeasible plan needs a reason");
      } else {
        // Expected: the enumeration's least cost.
        assertEquals(Status.OPTIMAL, dp.status(), dp.reason() + " " + ctx);
        assertEquals(expected.getAsLong(), costUnits(p, dp), "least cost, " + ctx + " DP plan " + dp.groups());
        assertEquals(dp.totalCostUnits(), costUnits(p, dp), "the plan's own cost sum");
        assertCovers(dp);
        // Expected: an optimal plan's bound is its cost (ScalingPlan's contract for OPTIMAL).
        assertEquals(dp.totalCost(), dp.bestBound(), 0, "bound of an optimal plan");
      }
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  /**
   * The independent reference: exhaustive enumeration of count vectors. Capacities and demand are in the integer
   * units that {@link ScalingProblem}'s javadoc defines (capacity rounded down, demand rounded up, to 1e-3 req/s);
   * costs are computed here from the price list, not by the cost model.
   */
  static final class BruteForce {
    private final long[] w;
    private final long[] v;
    private final int[] max;
    private final long demand;
    private final int min;
    private long best;

    private BruteForce(ScalingProblem p) {
      int n = p.options().size();
      w = new long[n];
      v = new long[n];
      max = new int[n];
      demand = p.demandUnits();
      min = p.minInstances();
      for (int i = 0; i < n; i++) {
        InstanceOption o = p.options().get(i);
        w[i] = independentUnits(p, o);
        v[i] = ScalingProblem.capacityUnits(o);
        // Bound: an optimal plan with more than minInstances instances loses feasibility when any one is removed
        // (costs are above 0), so it holds at most ceil(demand / v) copies of an option of capacity v > 0; with
        // exactly minInstances instances it holds at most that many. Options of capacity 0 are only for the minimum.
        long cap = v[i] > 0 ? Math.max(min, -Math.floorDiv(-demand, v[i])) : min;
        max[i] = (int) Math.min(cap, 1_000_000);
      }
      best = p.budgetUnits() == Long.MAX_VALUE ? Long.MAX_VALUE : p.budgetUnits();
    }

    /** The least cost in units, or empty when no count vector within the bounds (and budget) is a plan. */
    static OptionalLong minCostUnits(ScalingProblem p) {
      if (!(p.ratePerSecond() > 0) || p.options().isEmpty()) {
        return OptionalLong.empty();
      }
      BruteForce b = new BruteForce(p);
      boolean[] found = {false};
      b.enumerate(0, 0, 0, 0, found);
      return found[0] ? OptionalLong.of(b.best) : OptionalLong.empty();
    }

    /** All counts of option i.. on top of the partial plan; prunes partial costs above the best (or the budget). */
    private void enumerate(int i, long cost, long cap, int count, boolean[] found) {
      if (cost > best) {
        return;
      }
      if (i == w.length) {
        if (cap >= demand && count >= min) {
          best = cost;
          found[0] = true;
        }
        return;
      }
      for (int c = 0; c <= max[i]; c++) {
        long at = cost + c * w[i];
        if (at > best) {
          break; // counts only grow the cost from here
        }
        enumerate(i + 1, at, cap + c * v[i], count + c, found);
      }
    }
  }

  /** GPUs, or GPUs times the price in ten-thousandths (CostModel's documented resolution), computed here. */
  static long independentUnits(ScalingProblem p, InstanceOption o) {
    if (!p.costs().priced()) {
      return o.gpus();
    }
    return o.gpus() * Math.round(p.costs().pricePerGpu(o.gpuType()) * 10_000);
  }

  static long costUnits(ScalingProblem p, ScalingPlan plan) {
    long s = 0;
    for (ScalingPlan.Group g : plan.groups()) {
      s += g.count() * independentUnits(p, g.option());
    }
    return s;
  }

  /** The plan covers the demand (in units and in requests/s), has enough instances, and keeps to the budget. */
  static void assertCovers(ScalingPlan plan) {
    ScalingProblem p = plan.problem();
    long capUnits = 0;
    for (ScalingPlan.Group g : plan.groups()) {
      capUnits += g.count() * ScalingProblem.capacityUnits(g.option());
    }
    assertTrue(capUnits >= p.demandUnits(), "capacity " + capUnits + " units below the demand " + p.demandUnits());
    // Capacities round down and the demand up, so real capacity covers the real demand (1e-9 for float sums).
    assertTrue(plan.totalCapacityPerSecond() >= p.demandPerSecond() * (1 - 1e-12) - 1e-9,
        "capacity " + plan.totalCapacityPerSecond() + " req/s below the demand " + p.demandPerSecond());
    assertTrue(plan.instanceCount() >= p.minInstances(), "fewer instances than the minimum");
    if (p.budget().isPresent()) {
      assertTrue(costUnits(p, plan) <= p.budgetUnits(), "over the budget");
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 2. The DP and the ILP agree where hosts cannot bind; the ILP is never cheaper where they do.

  /** Options of at most 8 GPUs and 50 to 400 requests/s; rate up to 3 times the largest capacity. */
  private static Gen<ScalingProblem> ilpProblems(int maxGpus) {
    return ScalingGens.problems(ScalingGens.options(maxGpus, 50, 400).list(1, 4), 0.1, 3);
  }

  @TestFactory
  Stream<DynamicTest> dpEqualsIlpWhereHostsCannotBind() {
    return Property.cases("DP equals ILP on roomy clusters", ilpProblems(8), 150, p -> {
      Cluster cluster = ScalingGens.roomyCluster(p);
      ScalingPlan dp = TargetDp.solve(p);
      ScalingPlan ilp = CpSatPlanner.solve(p, cluster, ILP);
      String ctx = p + " options " + p.options() + " DP " + dp.groups() + " ILP " + ilp.groups();
      if (!dp.feasible()) {
        // Expected: infeasible too; the cluster relaxation (the DP) has no plan, so the ILP cannot.
        assertEquals(Status.INFEASIBLE, dp.status(), dp.reason());
        assertEquals(Status.INFEASIBLE, ilp.status(), ctx);
        return;
      }
      // Expected: the same optimum; ScalingGens.roomyCluster's javadoc shows every optimal plan fits this cluster.
      assertEquals(Status.OPTIMAL, ilp.status(), ilp.reason() + " " + ctx);
      assertEquals(dp.totalCostUnits(), ilp.totalCostUnits(), ctx);
      assertFitsCluster(ilp, cluster);
      assertCovers(ilp);
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  /** A problem and a small cluster on which it is planned. */
  record OnCluster(ScalingProblem problem, Cluster cluster) {}

  @TestFactory
  Stream<DynamicTest> ilpNeverBeatsTheDpWhereHostsBind() {
    Gen<ScalingProblem> problems = ilpProblems(32);
    Gen<Cluster> clusters = ScalingGens.uniformClusters(ScalingGens.GPU_TYPES, 1, 3, List.of(2, 4, 8));
    Gen<OnCluster> cases = (rng, size) -> new OnCluster(problems.generate(rng, size), clusters.generate(rng, size));
    return Property.cases("ILP optimum >= DP optimum on small clusters", cases, 150, c -> {
      ScalingProblem p = c.problem();
      ScalingPlan dp = TargetDp.solve(p);
      ScalingPlan ilp = CpSatPlanner.solve(p, c.cluster(), ILP);
      String ctx = p + " options " + p.options() + " cluster " + c.cluster().hosts() + " DP " + dp.groups()
          + " ILP " + ilp.groups();
      // Expected: these models are tiny, so CP-SAT proves optimality or infeasibility well within 10 s.
      assertTrue(ilp.status() == Status.OPTIMAL || ilp.status() == Status.INFEASIBLE, ilp.status() + " " + ctx);
      if (ilp.feasible()) {
        // Expected: the DP drops the host constraints (a relaxation), so its optimum is at most the ILP's.
        assertTrue(dp.feasible(), "the ILP found a plan but the DP did not: " + dp.reason() + " " + ctx);
        assertTrue(ilp.totalCostUnits() >= dp.totalCostUnits(), ctx);
        assertFitsCluster(ilp, c.cluster());
        assertCovers(ilp);
      } else {
        assertFalse(ilp.reason().isBlank(), "an infeasible plan needs a reason");
      }
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  /** Every group sits on a host of its type, and no host holds more GPUs than it has. */
  static void assertFitsCluster(ScalingPlan plan, Cluster cluster) {
    Map<String, Integer> used = new HashMap<>();
    for (ScalingPlan.Group g : plan.groups()) {
      Cluster.Host h = cluster.host(g.host());
      assertTrue(h.gpuType().equalsIgnoreCase(g.option().gpuType()), g + " on a host of type " + h.gpuType());
      used.merge(h.name(), g.count() * g.option().gpus(), Integer::sum);
    }
    for (Map.Entry<String, Integer> e : used.entrySet()) {
      assertTrue(e.getValue() <= cluster.host(e.getKey()).gpus(), "host " + e.getKey() + " holds " + e.getValue()
          + " GPUs of " + cluster.host(e.getKey()).gpus());
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 3. Every plan meets the SLO at its own share, by the queueing module.

  /**
   * A profile, an SLO on it, the fastest single-request latency of the profile, and a seed for the problem (drawn
   * once the catalog's options are known).
   */
  record Serving(LatencyProfile profile, Slo slo, double fastestSeconds, long problemSeed, boolean atCapacity) {}

  /**
   * Small affine profiles and SLOs at p50 to p99.9 whose target is the fastest single-request latency times a factor
   * log-uniform in [0.5, 6): below 1 (about 28% of cases) no configuration can meet it. One case in three plans a
   * whole multiple of one option's capacity, so that instances run at their capacity.
   */
  private static Gen<Serving> serving() {
    Gen<LatencyProfile> profiles = ScalingGens.affineProfiles();
    Gen<Double> percentile = Gen.oneOf(50.0, 90.0, 95.0, 99.0, 99.9);
    Gen<Double> factor = Gen.logUniform(0.5, 6);
    return (rng, size) -> {
      LatencyProfile profile = profiles.generate(rng, size);
      double fastest = fastestSingleRequest(profile);
      Slo slo = Slo.of(percentile.generate(rng, size), fastest * factor.generate(rng, size));
      return new Serving(profile, slo, fastest, rng.nextLong(), rng.nextInt(3) == 0);
    };
  }

  /** The least mean latency of a batch of 1 over the profile's curves (every curve is measured at batch 1). */
  static double fastestSingleRequest(LatencyProfile profile) {
    double best = Double.POSITIVE_INFINITY;
    for (LatencyCurve c : profile.curves().values()) {
      best = Math.min(best, c.toBatchLatency(LatencyCurve.Statistic.MEAN).seconds(1));
    }
    return best;
  }

  private static OptionCatalog.Catalog catalog(Serving s) {
    return OptionCatalog.build(s.profile(), s.slo(), OptionCatalog.Spec.defaults().withReplicas(List.of(1)));
  }

  @TestFactory
  Stream<DynamicTest> everyPlanMeetsTheSloAtItsShare() {
    return Property.cases("plans meet the SLO at their shares", serving(), 200, s -> {
      OptionCatalog.Catalog catalog = catalog(s);
      if (s.slo().targetSeconds() < s.fastestSeconds()) {
        // Expected: no option. Service is deterministic (the mean latency) and a batch holds at least one request,
        // so every response takes at least l(1) >= the fastest; no percentile can be below the target.
        assertTrue(catalog.options().isEmpty(), "options below the fastest latency: " + catalog.options());
      }
      if (s.slo().targetSeconds() > 1.05 * s.fastestSeconds()) {
        // Expected: some option. At a low enough rate a request is served alone in l(1) < target.
        assertFalse(catalog.options().isEmpty(), "no option though the SLO is above l(1): " + catalog.whyEmpty());
      }
      if (catalog.options().isEmpty()) {
        assertFalse(TargetDp.solve(ScalingProblem.of(catalog.options(), 1, s.slo())).feasible());
        assertTrue(catalog.whyEmpty().startsWith("No instance configuration meets the SLO"), catalog.whyEmpty());
        return;
      }
      SplittableRandom rng = new SplittableRandom(s.problemSeed());
      ScalingProblem p = ScalingGens.problemsOn(catalog.options(), s.slo(), 0.1, 8).generate(rng, Gen.MAX_SIZE);
      if (s.atCapacity()) {
        // The tightest case: n times one option's capacity as the DP counts it (rounded down to 1e-3 req/s), no
        // headroom, so a plan of n such instances runs each at that rounded capacity, within 1e-3 of the capacity.
        InstanceOption o = catalog.options().get(rng.nextInt(catalog.options().size()));
        double rate = (1 + rng.nextInt(4)) * ScalingProblem.capacityUnits(o) * ScalingProblem.CAPACITY_UNIT;
        p = new ScalingProblem(List.of(o), rate, s.slo(), 1, 0, p.costs(), OptionalDouble.empty());
      }
      ScalingPlan plan = TargetDp.solve(p);
      if (!plan.feasible()) {
        // Expected: only a budget can make a problem with options infeasible (capacities are real rates >= 0.001).
        assertTrue(p.budget().isPresent(), "infeasible without a budget: " + plan.reason() + " " + p);
        return;
      }
      List<PlanCheck.InstanceShare> shares = PlanCheck.shares(plan);
      double routed = 0;
      for (PlanCheck.InstanceShare sh : shares) {
        // Expected: the queueing module's percentile at the share is within the target (PlanCheck's claim).
        assertTrue(sh.meetsSlo(), sh.group().option() + " at " + sh.sharePerSecond() + " req/s predicts "
            + sh.predicted() + " against " + s.slo() + " in " + p);
        // Expected: share = rate * c_i / C <= c_i because C >= demand >= rate.
        assertTrue(sh.sharePerSecond() <= sh.group().option().capacityPerSecond() * (1 + 1e-12),
            "share " + sh.sharePerSecond() + " above capacity " + sh.group().option().capacityPerSecond());
        routed += sh.sharePerSecond() * sh.group().count();
      }
      // Expected: the router sends the whole rate, no more (shares are proportional weights summing to 1).
      assertEquals(p.ratePerSecond(), routed, 1e-9 * p.ratePerSecond(), "shares must sum to the rate");
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 4. Monotonicity of the DP optimum.

  /** Random problems: 1 to 6 options of 1 to 1000 requests/s, rate up to 10 times the largest capacity. */
  private static Gen<ScalingProblem> problems() {
    return ScalingGens.problems(ScalingGens.optionLists(1, 6), 0.05, 10);
  }

  /** A problem and a factor in [0, 1) to make a second, smaller parameter. */
  record Pair(ScalingProblem problem, double factor) {}

  private static Gen<Pair> pairs() {
    Gen<ScalingProblem> problems = problems();
    return (rng, size) -> new Pair(problems.generate(rng, size), rng.nextDouble());
  }

  /** Cost with the problem's solution, or empty when infeasible; the DP must not say UNKNOWN on these sizes. */
  private static OptionalLong cost(ScalingProblem p) {
    ScalingPlan plan = TargetDp.solve(p);
    assertTrue(plan.status() != Status.UNKNOWN, plan.reason());
    return plan.feasible() ? OptionalLong.of(plan.totalCostUnits()) : OptionalLong.empty();
  }

  /** {@code smaller} is feasible when {@code larger} is, and costs no more. */
  private static void assertNoMore(OptionalLong smaller, OptionalLong larger, String what) {
    if (larger.isPresent()) {
      assertTrue(smaller.isPresent(), what + ": infeasible with the smaller value but feasible with the larger");
      assertTrue(smaller.getAsLong() <= larger.getAsLong(),
          what + ": " + smaller.getAsLong() + " units with the smaller value, " + larger.getAsLong() + " with the larger");
    }
  }

  @TestFactory
  Stream<DynamicTest> costNeverFallsAsTheRateGrows() {
    return Property.cases("DP cost monotone in the rate", pairs(), 500, c -> {
      ScalingProblem p = c.problem();
      // Expected: cost(r1) <= cost(r2) for r1 < r2; a plan covering the larger demand covers the smaller.
      assertNoMore(cost(p.withRate(p.ratePerSecond() * c.factor())), cost(p), "rate " + p.options());
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  @TestFactory
  Stream<DynamicTest> costNeverFallsAsMinimumAndHeadroomGrow() {
    return Property.cases("DP cost monotone in min instances and headroom", pairs(), 500, c -> {
      ScalingProblem p = c.problem();
      // Expected: a plan with at least m + 1 instances has at least m.
      assertNoMore(cost(p), cost(p.withMinInstances(p.minInstances() + 1)), "minimum " + p.options());
      // Expected: a plan covering rate * h2 covers rate * h1 for h1 <= h2.
      double h1 = 1 + (p.headroom() - 1) * c.factor();
      assertNoMore(cost(p.withHeadroom(h1)), cost(p), "headroom " + p.options());
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  @TestFactory
  Stream<DynamicTest> aBudgetOnlyCutsPlansAboveIt() {
    return Property.cases("DP budget keeps the optimum or makes it infeasible", pairs(), 500, c -> {
      ScalingProblem p = c.problem();
      ScalingProblem free = new ScalingProblem(p.options(), p.ratePerSecond(), p.slo(), p.headroom(),
          p.minInstances(), p.costs(), OptionalDouble.empty());
      OptionalLong unbounded = cost(free);
      assertTrue(unbounded.isPresent(), "a problem with options and no budget has a plan: " + free);
      // A budget between 0 and twice the unbudgeted optimum, on the cost model's grid (whole GPUs or cents).
      double optimum = p.costs().fromUnits(unbounded.getAsLong());
      double raw = 2 * optimum * c.factor();
      double budget = p.costs().priced() ? Math.floor(raw * 100) / 100 : Math.floor(raw);
      OptionalLong capped = cost(free.withBudget(budget));
      // Expected: the budget removes exactly the plans that cost more than it, so the optimum survives iff it fits.
      if (unbounded.getAsLong() <= free.withBudget(budget).budgetUnits()) {
        assertEquals(unbounded, capped, "budget " + budget + " >= optimum " + optimum);
      } else {
        assertTrue(capped.isEmpty(), "budget " + budget + " < optimum " + optimum + " yet " + capped);
      }
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // 5. Bad input is an infeasible result with a reason, never an exception.

  @TestFactory
  Stream<DynamicTest> badInputIsAnInfeasibleResult() {
    return Property.cases("bad input is infeasible with a reason", ilpProblems(8), 200, p -> {
      Cluster cluster = ScalingGens.roomyCluster(p);
      List<ScalingProblem> bad = new ArrayList<>();
      // Rates that are not a positive finite number (ScalingProblem's javadoc: infeasible), and one beyond 1e12.
      for (double r : new double[] {0, -0.0, -p.ratePerSecond(), Double.NaN, Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY, -Double.MIN_VALUE, 1e300}) {
        bad.add(p.withRate(r));
      }
      // No options at all.
      bad.add(new ScalingProblem(List.of(), p.ratePerSecond(), p.slo(), p.headroom(), p.minInstances(), p.costs(),
          p.budget()));
      for (ScalingProblem b : bad) {
        assertInfeasible(b, cluster, null);
      }
      // Budgets too small: a positive rate needs at least one instance, so below the cheapest instance (or 0)
      // no plan exists.
      double cheapest = p.options().stream().mapToDouble(o -> p.costs().cost(o)).min().orElseThrow();
      double step = p.costs().priced() ? 0.01 : 1;
      assertInfeasible(p.withBudget(0), cluster, "budget");
      assertInfeasible(p.withBudget(Math.max(0, cheapest - step)), cluster, "budget");
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  private static void assertInfeasible(ScalingProblem p, Cluster cluster, String mention) {
    ScalingPlan dp = assertDoesNotThrow(() -> TargetDp.solve(p), "DP threw on " + p);
    ScalingPlan ilp = assertDoesNotThrow(() -> CpSatPlanner.solve(p, cluster, ILP), "ILP threw on " + p);
    for (ScalingPlan plan : List.of(dp, ilp)) {
      // Expected: INFEASIBLE, with a sentence (ScalingPlan: "Infeasible is a result here, not an exception").
      assertEquals(Status.INFEASIBLE, plan.status(), plan.solver() + " on " + p + ": " + plan.groups());
      assertFalse(plan.reason().isBlank(), plan.solver() + " gave no reason for " + p);
      assertTrue(plan.groups().isEmpty());
      if (mention != null) {
        assertTrue(plan.reason().contains(mention), plan.solver() + ": '" + plan.reason() + "' should name the "
            + mention + " for " + p);
      }
    }
  }

  /**
   * A positive rate, however small, needs at least one instance. (This caught a demand of 0 units for rates up to
   * 1e-12 requests/s, from an epsilon in the rounding: with {@code minInstances = 0} both solvers returned an empty
   * plan.)
   */
  @TestFactory
  Stream<DynamicTest> aTinyPositiveRateNeedsAnInstance() {
    Gen<ScalingProblem> problems = ilpProblems(8);
    Gen<Double> tiny = Gen.logUniform(1e-15, 1e-11);
    Gen<ScalingProblem> cases = (rng, size) -> problems.generate(rng, size).withRate(tiny.generate(rng, size))
        .withMinInstances(0);
    return Property.cases("a tiny positive rate needs an instance", cases, 100, p -> {
      for (ScalingPlan plan : List.of(TargetDp.solve(p), CpSatPlanner.solve(p, ScalingGens.roomyCluster(p), ILP))) {
        if (plan.feasible()) {
          // Expected: at least one instance; zero instances serve nothing, and the rate is above 0.
          assertTrue(plan.instanceCount() >= 1, plan.solver() + " planned no instance for rate " + p.ratePerSecond());
          assertTrue(plan.totalCapacityPerSecond() >= p.demandPerSecond(), plan.solver() + " under capacity");
        }
      }
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  @TestFactory
  Stream<DynamicTest> anSloBelowTheFastestLatencyHasNoOptionAndSaysWhy() {
    Gen<LatencyProfile> profiles = ScalingGens.affineProfiles();
    Gen<Double> below = Gen.doubles(0.1, 0.99);
    Gen<Serving> cases = (rng, size) -> {
      LatencyProfile profile = profiles.generate(rng, size);
      double fastest = fastestSingleRequest(profile);
      Slo slo = Slo.of(Gen.oneOf(50.0, 99.0, 99.9).generate(rng, size), fastest * below.generate(rng, size));
      return new Serving(profile, slo, fastest, 0, false);
    };
    return Property.cases("SLO below the fastest latency: empty catalog with a reason", cases, 60, s -> {
      OptionCatalog.Catalog catalog = assertDoesNotThrow(() -> catalog(s));
      // Expected: no option (a response takes at least l(1) > target, see everyPlanMeetsTheSloAtItsShare).
      assertTrue(catalog.options().isEmpty(), "options: " + catalog.options());
      assertEquals(s.profile().curves().size(), catalog.rejected().size(), "every curve is rejected");
      assertTrue(catalog.whyEmpty().startsWith("No instance configuration meets the SLO"), catalog.whyEmpty());
      ScalingProblem p = ScalingProblem.of(catalog.options(), 10, s.slo());
      assertInfeasible(p, Cluster.uniform("h", "A100", 1, 8), null);
      assertTrue(TargetDp.solve(p).reason().contains("No instance configuration meets the SLO"));
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }
}

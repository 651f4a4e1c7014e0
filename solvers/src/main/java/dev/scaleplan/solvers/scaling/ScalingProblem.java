package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.Slo;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The target-plan problem: choose how many instances of each option to run so that their total capacity covers
 * {@code rate * headroom} at least cost, with at least {@code minInstances} instances and, when given, a cost at
 * most the budget.
 *
 * <p>The exact solvers compare capacities as integers in units of {@link #CAPACITY_UNIT} requests per second: each
 * option's capacity is rounded down and the demand up, so a plan found feasible in units is feasible in requests per
 * second, and the DP and the ILP see the same numbers.
 *
 * @param options the instance options, each with its capacity under {@link #slo}; may be empty (then infeasible)
 * @param ratePerSecond the arrival rate to serve; a rate that is not above 0 makes the problem infeasible
 * @param slo the SLO the capacities were computed for (reported with the plan)
 * @param headroom the factor on the rate that capacity must cover, at least 1
 * @param minInstances the fewest instances the plan may have (as Kubernetes HPA's {@code minReplicas}), at least 0
 * @param costs how instances are priced
 * @param budget the largest total cost allowed, if any
 */
public record ScalingProblem(
    List<InstanceOption> options,
    double ratePerSecond,
    Slo slo,
    double headroom,
    int minInstances,
    CostModel costs,
    OptionalDouble budget) {
  /** Capacities are compared in thousandths of a request per second. */
  public static final double CAPACITY_UNIT = 1e-3;

  /** Default headroom: capacity covers the rate itself. */
  public static final double DEFAULT_HEADROOM = 1.0;

  public ScalingProblem {
    options = List.copyOf(Objects.requireNonNull(options, "options"));
    Objects.requireNonNull(slo, "slo");
    if (!(headroom >= 1) || !Double.isFinite(headroom)) {
      throw new IllegalArgumentException("The headroom (" + headroom + ") must be a finite factor of at least 1.");
    }
    Checks.atLeast("minimum instance count", minInstances, 0);
    Objects.requireNonNull(costs, "costs");
    Objects.requireNonNull(budget, "budget");
    if (budget.isPresent() && !(budget.getAsDouble() >= 0 && Double.isFinite(budget.getAsDouble()))) {
      throw new IllegalArgumentException("The budget (" + budget.getAsDouble() + ") must be finite and not negative.");
    }
    for (InstanceOption o : options) {
      costs.units(o); // every option must be priced
    }
  }

  /** A problem with GPU-count costs, no headroom, at least one instance and no budget. */
  public static ScalingProblem of(List<InstanceOption> options, double ratePerSecond, Slo slo) {
    return new ScalingProblem(options, ratePerSecond, slo, DEFAULT_HEADROOM, 1, CostModel.gpus(),
        OptionalDouble.empty());
  }

  /** The same problem at another rate. */
  public ScalingProblem withRate(double rate) {
    return new ScalingProblem(options, rate, slo, headroom, minInstances, costs, budget);
  }

  /** The same problem with another minimum instance count. */
  public ScalingProblem withMinInstances(int min) {
    return new ScalingProblem(options, ratePerSecond, slo, headroom, min, costs, budget);
  }

  /** The same problem with a budget. */
  public ScalingProblem withBudget(double max) {
    return new ScalingProblem(options, ratePerSecond, slo, headroom, minInstances, costs, OptionalDouble.of(max));
  }

  /** The same problem with other costs. */
  public ScalingProblem withCosts(CostModel model) {
    return new ScalingProblem(options, ratePerSecond, slo, headroom, minInstances, model, budget);
  }

  /** The same problem with another headroom. */
  public ScalingProblem withHeadroom(double factor) {
    return new ScalingProblem(options, ratePerSecond, slo, factor, minInstances, costs, budget);
  }

  /** The capacity the plan must reach: rate times headroom, in requests per second. */
  public double demandPerSecond() {
    return ratePerSecond * headroom;
  }

  /**
   * The demand in capacity units, rounded up, and at least one unit for any positive demand. Rounding works on the
   * numbers' decimal form ({@link Double#toString}), so a demand of 3.0005 requests/s is 3,001 units, not 3,000 or
   * 3,002 through binary rounding.
   */
  public long demandUnits() {
    if (!(ratePerSecond > 0)) {
      return 0;
    }
    java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(ratePerSecond))
        .multiply(new java.math.BigDecimal(Double.toString(headroom)));
    return Math.max(1, d.movePointRight(3).setScale(0, java.math.RoundingMode.CEILING).longValueExact());
  }

  /** An option's capacity in capacity units, rounded down. */
  public static long capacityUnits(InstanceOption option) {
    return capacityUnitsOf(option.capacityPerSecond());
  }

  /** A capacity in requests per second as capacity units, rounded down (in decimal, as {@link #demandUnits()}). */
  public static long capacityUnitsOf(double ratePerSecond) {
    if (!(ratePerSecond > 0)) {
      return 0;
    }
    return new java.math.BigDecimal(Double.toString(ratePerSecond)).movePointRight(3)
        .setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
  }

  /** The budget in integer cost units (rounded down), or {@code Long.MAX_VALUE} without a budget. */
  public long budgetUnits() {
    return budget.isPresent() ? costs.toUnitsFloor(budget.getAsDouble()) : Long.MAX_VALUE;
  }

  /**
   * Why no plan can exist, before any search: a rate that is not a positive finite number, or no option at all.
   * Empty when the problem is worth solving.
   */
  public Optional<String> obviouslyInfeasible() {
    if (!(ratePerSecond > 0) || !Double.isFinite(ratePerSecond)) {
      return Optional.of("The rate (" + ratePerSecond + " requests/s) must be a finite number above 0.");
    }
    if (demandPerSecond() / CAPACITY_UNIT > 1e15) {
      return Optional.of("The rate (" + ratePerSecond + " requests/s) is beyond what the planner handles (1e12).");
    }
    if (options.isEmpty()) {
      return Optional.of("No instance configuration meets the SLO " + slo + ", so no plan can.");
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "ScalingProblem{rate %.6g/s x %.3g headroom, %s, %d options, min %d, %s%s}",
        ratePerSecond, headroom, slo, options.size(), minInstances, costs,
        budget.isPresent() ? ", budget " + budget.getAsDouble() : "");
  }
}

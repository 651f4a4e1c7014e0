package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.Checks;
import java.util.List;
import java.util.Objects;

/**
 * A target plan: how many instances of each option to run (and, from the ILP, on which host), or the verdict that no
 * plan exists and why. Infeasible is a result here, not an exception.
 *
 * @param problem the problem solved
 * @param status optimal, feasible (a solution without proof of optimality), infeasible, or unknown (a time limit
 *     passed before any solution was found)
 * @param reason a sentence for infeasible and unknown results; empty otherwise
 * @param groups instance counts per option (and host); empty unless a solution was found
 * @param bestBound a lower bound on the optimal cost (equal to the cost when optimal); {@code NaN} when unknown
 * @param solver which solver answered ({@code dp}, {@code ilp (CP-SAT)})
 * @param solveNanos wall time of the solve
 */
public record ScalingPlan(
    ScalingProblem problem,
    Status status,
    String reason,
    List<Group> groups,
    double bestBound,
    String solver,
    long solveNanos) {

  /** How a solve ended. */
  public enum Status {
    /** The plan is a proven minimum-cost plan. */
    OPTIMAL,
    /** The plan is feasible; its gap to the bound says how far from optimal it may be. */
    FEASIBLE,
    /** No plan exists; the reason says why. */
    INFEASIBLE,
    /** The solver stopped before finding a plan or proving there is none. */
    UNKNOWN;

    /** Lower-case name for output. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Instances of one option, on one host when the plan places them.
   *
   * @param option the option
   * @param count how many, at least 1
   * @param host the host they run on, or empty when the plan does not place instances
   */
  public record Group(InstanceOption option, int count, String host) {
    public Group {
      Objects.requireNonNull(option, "option");
      Checks.atLeast("instance count", count, 1);
      Objects.requireNonNull(host, "host");
    }
  }

  public ScalingPlan {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
    Objects.requireNonNull(solver, "solver");
    if (feasibleStatus(status) == groups.isEmpty() && !(feasibleStatus(status) && problem.minInstances() == 0)) {
      throw new IllegalArgumentException("A " + status.label() + " plan must " + (feasibleStatus(status) ? "" : "not ")
          + "have instances.");
    }
  }

  private static boolean feasibleStatus(Status s) {
    return s == Status.OPTIMAL || s == Status.FEASIBLE;
  }

  /** An infeasible (or unknown) result with its reason. */
  public static ScalingPlan infeasible(ScalingProblem problem, Status status, String reason, String solver,
      long nanos) {
    return new ScalingPlan(problem, status, reason, List.of(), Double.NaN, solver, nanos);
  }

  /** Whether the plan holds a solution (optimal or feasible). */
  public boolean feasible() {
    return feasibleStatus(status);
  }

  /** Total instances. */
  public int instanceCount() {
    return groups.stream().mapToInt(Group::count).sum();
  }

  /** Total GPUs. */
  public int totalGpus() {
    return groups.stream().mapToInt(g -> g.count() * g.option().gpus()).sum();
  }

  /** Total cost in the cost model's unit (GPUs or price); 0 when infeasible. */
  public double totalCost() {
    return problem.costs().fromUnits(totalCostUnits());
  }

  /** Total cost in exact integer units. */
  public long totalCostUnits() {
    long s = 0;
    for (Group g : groups) {
      s += g.count() * problem.costs().units(g.option());
    }
    return s;
  }

  /** Total capacity in requests per second. */
  public double totalCapacityPerSecond() {
    return groups.stream().mapToDouble(g -> g.count() * g.option().capacityPerSecond()).sum();
  }

  /** Total capacity in the exact solvers' units. */
  public long totalCapacityUnits() {
    long s = 0;
    for (Group g : groups) {
      s += g.count() * ScalingProblem.capacityUnits(g.option());
    }
    return s;
  }

  /** The relative gap between the cost and the bound: 0 when optimal, {@code NaN} without a solution. */
  public double gap() {
    if (!feasible()) {
      return Double.NaN;
    }
    double cost = totalCost();
    return cost == 0 ? 0 : Math.max(0, (cost - bestBound) / cost);
  }
}

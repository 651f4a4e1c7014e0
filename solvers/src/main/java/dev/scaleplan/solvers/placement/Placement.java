package dev.scaleplan.solvers.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where every model runs: its dedicated GPUs in one group and, when it shares, its slot on one shared GPU.
 *
 * @param status whether the placement is proven optimal, found, proven impossible, or not found
 * @param solver which solver produced it
 * @param gpusUsed the GPUs the placement takes (dedicated plus shared)
 * @param lowerBound a bound no placement beats ({@link Candidates#lowerBound}, or the ILP's bound when higher)
 * @param models one assignment per model, in the problem's order (empty when no placement was found)
 * @param sharedGpus the shared GPUs
 * @param reason why there is no placement, or notes on the one found
 * @param solveSeconds wall-clock time of the solver, not counting the candidates' computation
 */
public record Placement(Status status, String solver, long gpusUsed, long lowerBound, List<Assignment> models,
    List<SharedGpu> sharedGpus, String reason, double solveSeconds) {

  /** What the solver could establish. */
  public enum Status {
    /** Fewest GPUs, proven. */
    OPTIMAL,
    /** A placement, not proven optimal. */
    FEASIBLE,
    /** No placement exists: the reason says why. */
    INFEASIBLE,
    /** None found within the solver's means (the heuristic, or a time limit), and none proven impossible. */
    UNKNOWN;

    /** Whether a placement comes with it. */
    public boolean placed() {
      return this == OPTIMAL || this == FEASIBLE;
    }
  }

  /**
   * One model's GPUs.
   *
   * @param model the model's name
   * @param group its group's name, or empty text for an idle model (rate 0) that needs no GPU
   * @param dedicatedGpus how many GPUs run it alone
   * @param dedicatedBatch their batch cap
   * @param ratePerDedicatedGpu the rate each of them gets
   * @param sharedGpu index into {@link #sharedGpus()}, or -1
   * @param sharedRate the rate its slot on the shared GPU gets
   */
  public record Assignment(String model, String group, int dedicatedGpus, int dedicatedBatch,
      double ratePerDedicatedGpu, int sharedGpu, double sharedRate) {}

  /**
   * A GPU that several models share by a duty cycle.
   *
   * @param group the group's name
   * @param cycleSeconds the duty cycle
   * @param slots one per model, in order
   */
  public record SharedGpu(String group, double cycleSeconds, List<Slot> slots) {
    public SharedGpu {
      slots = List.copyOf(slots);
    }

    /** The share of the cycle the slots take. */
    public double occupancy() {
      double total = 0;
      for (Slot s : slots) {
        total += s.occupancy();
      }
      return total;
    }
  }

  /**
   * A model's slot in a duty cycle.
   *
   * @param model the model's name
   * @param batch the slot's batch cap b
   * @param latencySeconds l(b), the slot's length
   * @param ratePerSecond the rate the slot serves
   * @param occupancy {@code l(b) / d}
   */
  public record Slot(String model, int batch, double latencySeconds, double ratePerSecond, double occupancy) {}

  public Placement {
    Objects.requireNonNull(status, "status");
    models = List.copyOf(models);
    sharedGpus = List.copyOf(sharedGpus);
  }

  /** A result without a placement. */
  public static Placement none(Status status, String solver, long lowerBound, String reason, double seconds) {
    return new Placement(status, solver, 0, lowerBound, List.of(), List.of(), reason, seconds);
  }

  /** The heuristic's (or any placement's) gap to the lower bound, as a fraction of the bound. */
  public double gapToBound() {
    return lowerBound == 0 ? 0 : (double) (gpusUsed - lowerBound) / lowerBound;
  }

  /**
   * A solver's decisions, in the candidates' indices: builds the placement. A shared GPU that ends up with one model
   * becomes one more dedicated GPU for it (the same GPU count; a dedicated GPU batches work-conservingly at
   * {@code λ / ceil(λ/C)}, which meets the SLO by the choice of C).
   *
   * @param groupOf per model, its group index, or -1 for an idle model
   * @param shares per model, whether its residual goes to a shared GPU
   * @param bins the shared GPUs
   */
  public static Placement build(Candidates candidates, int[] groupOf, boolean[] shares, List<Bin> bins,
      Status status, String solver, long lowerBound, String notes, double seconds) {
    PlacementProblem problem = candidates.problem();
    int n = candidates.models();
    int[] binOf = new int[n];
    java.util.Arrays.fill(binOf, -1);
    boolean[] roundUp = new boolean[n];
    List<SharedGpu> shared = new ArrayList<>();
    int[] sharedIndex = new int[bins.size()];
    for (int k = 0; k < bins.size(); k++) {
      Bin bin = bins.get(k);
      if (bin.models().length == 1) {
        roundUp[bin.models()[0]] = true;
        sharedIndex[k] = -1;
        continue;
      }
      sharedIndex[k] = shared.size();
      double cycle = problem.cycleSeconds().get(bin.cycle());
      List<Slot> slots = new ArrayList<>();
      for (int i : bin.models()) {
        Candidates.Fit f = candidates.fit(i, bin.group());
        int b = f.slotBatch()[bin.cycle()];
        double l = problem.models().get(i).latencyByGpuType().get(problem.groups().get(bin.group()).gpuType())
            .seconds(b);
        slots.add(new Slot(problem.models().get(i).name(), b, l, f.residualRate(), l / cycle));
        binOf[i] = sharedIndex[k];
      }
      shared.add(new SharedGpu(problem.groups().get(bin.group()).name(), cycle, slots));
    }
    List<Assignment> out = new ArrayList<>(n);
    long gpus = shared.size();
    for (int i = 0; i < n; i++) {
      ModelDemand m = problem.models().get(i);
      if (groupOf[i] < 0) {
        out.add(new Assignment(m.name(), "", 0, 0, 0, -1, 0));
        continue;
      }
      Candidates.Fit f = candidates.fit(i, groupOf[i]);
      String group = problem.groups().get(groupOf[i]).name();
      if (shares[i] && !roundUp[i]) {
        out.add(new Assignment(m.name(), group, f.floorGpus(), f.dedicatedBatch(), f.gpuCapacity(), binOf[i],
            f.residualRate()));
        gpus += f.floorGpus();
      } else {
        int count = f.ceilGpus();
        out.add(new Assignment(m.name(), group, count, f.dedicatedBatch(), count == 0 ? 0 : m.ratePerSecond() / count,
            -1, 0));
        gpus += count;
      }
    }
    return new Placement(status, solver, gpus, Math.max(lowerBound, 0), out, shared, notes, seconds);
  }

  /**
   * A shared GPU as a solver sees it.
   *
   * @param group group index
   * @param cycle duty-cycle index
   * @param models model indices
   */
  public record Bin(int group, int cycle, int[] models) {}
}

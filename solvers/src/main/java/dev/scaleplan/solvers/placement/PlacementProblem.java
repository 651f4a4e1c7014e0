package dev.scaleplan.solvers.placement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Models to place on GPU groups, with the duty cycles a shared GPU may run.
 *
 * @param models the models, names unique, at least one
 * @param groups the GPU groups, names unique, at least one
 * @param cycleSeconds the duty cycles a shared GPU may run, ascending, distinct, above 0 (Nexus picks a cycle per GPU
 *     from the models' SLOs; a fixed grid keeps the ILP linear and lets the heuristic and the ILP search one space)
 * @param sharing whether several models may share one GPU; without it every model gets whole GPUs
 */
public record PlacementProblem(List<ModelDemand> models, List<GpuGroup> groups, List<Double> cycleSeconds,
    boolean sharing) {

  /** The default duty cycles: 1 ms to 1.024 s, doubling. */
  public static final List<Double> DEFAULT_CYCLES = defaultCycles();

  /** The most models one problem may hold. */
  public static final int MAX_MODELS = 100_000;

  public PlacementProblem {
    models = List.copyOf(Objects.requireNonNull(models, "models"));
    groups = List.copyOf(Objects.requireNonNull(groups, "groups"));
    cycleSeconds = List.copyOf(Objects.requireNonNull(cycleSeconds, "cycleSeconds"));
    if (models.isEmpty()) {
      throw new IllegalArgumentException("Give at least one model to place.");
    }
    if (models.size() > MAX_MODELS) {
      throw new IllegalArgumentException("At most " + MAX_MODELS + " models (got " + models.size() + ").");
    }
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("Give at least one GPU group to place the models on.");
    }
    unique(models.stream().map(ModelDemand::name).toList(), "model");
    unique(groups.stream().map(GpuGroup::name).toList(), "GPU group");
    if (cycleSeconds.isEmpty()) {
      throw new IllegalArgumentException("Give at least one duty cycle for shared GPUs.");
    }
    for (int i = 0; i < cycleSeconds.size(); i++) {
      double d = cycleSeconds.get(i);
      if (!(d > 0 && Double.isFinite(d))) {
        throw new IllegalArgumentException("Duty cycle " + d + " s must be finite and above 0.");
      }
      if (i > 0 && !(d > cycleSeconds.get(i - 1))) {
        throw new IllegalArgumentException("The duty cycles must be ascending and distinct (got " + cycleSeconds
            + ").");
      }
    }
    long total = 0;
    for (GpuGroup g : groups) {
      total += g.gpus();
    }
    if (total > 10_000_000) {
      throw new IllegalArgumentException("At most 10,000,000 GPUs in all (got " + total + ").");
    }
  }

  /** Models on groups with the default cycles and sharing on. */
  public static PlacementProblem of(List<ModelDemand> models, List<GpuGroup> groups) {
    return new PlacementProblem(models, groups, DEFAULT_CYCLES, true);
  }

  /** The same problem with sharing on or off. */
  public PlacementProblem withSharing(boolean on) {
    return new PlacementProblem(models, groups, cycleSeconds, on);
  }

  /** The GPUs in all groups. */
  public long totalGpus() {
    long total = 0;
    for (GpuGroup g : groups) {
      total += g.gpus();
    }
    return total;
  }

  private static void unique(List<String> names, String what) {
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (!seen.add(n)) {
        throw new IllegalArgumentException("Two " + what + "s are called '" + n + "'; names must be unique.");
      }
    }
  }

  private static List<Double> defaultCycles() {
    List<Double> cycles = new ArrayList<>();
    for (int k = 0; k <= 10; k++) {
      cycles.add(0.001 * (1 << k));
    }
    return List.copyOf(cycles);
  }
}

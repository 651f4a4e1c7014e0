package dev.scaleplan.solvers.swapping;

import java.util.List;
import java.util.Objects;

/**
 * A swapping plan for one node: each model's mode, GPU and predicted latency, and each GPU's memory and load.
 *
 * @param status whether the node can serve the models at all
 * @param reason why not, or why some models are not served; empty when every model is served
 * @param models one entry per input model, in input order
 * @param gpus one entry per GPU; empty when {@link Status#INFEASIBLE}
 */
public record SwapPlan(Status status, String reason, List<ModelPlan> models, List<GpuPlan> gpus) {
  public SwapPlan {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    models = List.copyOf(models);
    gpus = List.copyOf(gpus);
  }

  /** Whether a plan was made. */
  public enum Status {
    /** Every model is served (some may still miss their SLO; see {@link ModelPlan#meetsSlo()}). */
    PLANNED,
    /** Some models cannot be served (too large for a GPU, or no memory left without swapping); see the reason. */
    PARTIAL,
    /** The node cannot serve the models: its offered load is at or above its GPUs; see the reason. */
    INFEASIBLE
  }

  /** How many models are predicted to meet their SLO. */
  public int meetingSlo() {
    return (int) models.stream().filter(ModelPlan::meetsSlo).count();
  }

  /** How many models are in {@code mode}. */
  public int count(ModelPlan.Mode mode) {
    return (int) models.stream().filter(m -> m.mode() == mode).count();
  }

  /** The plan of the model named {@code name}. */
  public ModelPlan model(String name) {
    return models.stream().filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("The plan has no model named '" + name + "'."));
  }

  /** The predicted utilisation of each GPU, in GPU order. */
  public double[] utilizations() {
    return gpus.stream().mapToDouble(GpuPlan::utilization).toArray();
  }

  @Override
  public String toString() {
    return "SwapPlan{" + status + ", " + meetingSlo() + " of " + models.size() + " models meet their SLO, "
        + count(ModelPlan.Mode.RESIDENT) + " resident, " + count(ModelPlan.Mode.SWAPPED) + " swapped, "
        + count(ModelPlan.Mode.UNSERVED) + " unserved"
        + (reason.isEmpty() ? "" : ", " + reason) + "}";
  }
}

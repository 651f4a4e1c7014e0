package dev.scaleplan.solvers.placement;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.BatchQueue;
import dev.scaleplan.queueing.SlotQueue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each model's predicted latency under a placement, from the queueing module and not from the solver: a dedicated GPU
 * is a {@link BatchQueue} at the rate the router gives it, a shared GPU's slot a {@link SlotQueue}; and whether each
 * shared GPU's slots fit its cycle and memory.
 */
public final class PlacementCheck {
  private PlacementCheck() {}

  /**
   * One model's prediction.
   *
   * @param model the model's name
   * @param predictedSeconds its SLO percentile of response time, the worst over its GPUs (0 for an idle model)
   * @param slo its SLO
   * @param meets whether every GPU it runs on meets the SLO
   */
  public record Prediction(String model, double predictedSeconds, Slo slo, boolean meets) {}

  /** The predictions, in the problem's model order; empty when nothing was placed. */
  public static List<Prediction> predict(PlacementProblem problem, Placement placement) {
    List<Prediction> out = new ArrayList<>();
    if (!placement.status().placed()) {
      return out;
    }
    Map<String, GpuGroup> groups = new HashMap<>();
    for (GpuGroup g : problem.groups()) {
      groups.put(g.name(), g);
    }
    for (int i = 0; i < problem.models().size(); i++) {
      ModelDemand m = problem.models().get(i);
      Placement.Assignment a = placement.models().get(i);
      Slo slo = m.slo();
      if (a.group().isEmpty()) {
        out.add(new Prediction(m.name(), 0, slo, m.ratePerSecond() == 0));
        continue;
      }
      BatchLatency latency = m.latencyByGpuType().get(groups.get(a.group()).gpuType());
      double worst = 0;
      boolean meets = true;
      if (a.dedicatedGpus() > 0) {
        double p = BatchQueue.of(a.ratePerDedicatedGpu(), InstanceConfig.of(1, a.dedicatedBatch(), latency)).metrics()
            .responsePercentile(slo.percentile()).value();
        worst = p;
        meets = p <= slo.targetSeconds();
      }
      if (a.sharedGpu() >= 0) {
        Placement.SharedGpu gpu = placement.sharedGpus().get(a.sharedGpu());
        Placement.Slot slot = gpu.slots().stream().filter(s -> s.model().equals(m.name())).findFirst().orElseThrow();
        SlotQueue q = SlotQueue.of(slot.ratePerSecond(), gpu.cycleSeconds(), slot.batch(), slot.latencySeconds());
        worst = Math.max(worst, q.responsePercentile(slo.percentile()));
        meets &= q.meets(slo);
      }
      out.add(new Prediction(m.name(), worst, slo, meets));
    }
    return out;
  }

  /** Problems with the shared GPUs (occupancy above one cycle, memory above the GPU's), empty when none. */
  public static List<String> sharedGpuProblems(PlacementProblem problem, Placement placement) {
    Map<String, Long> bytes = new HashMap<>();
    for (ModelDemand m : problem.models()) {
      bytes.put(m.name(), m.memoryBytes());
    }
    Map<String, GpuGroup> groups = new HashMap<>();
    for (GpuGroup g : problem.groups()) {
      groups.put(g.name(), g);
    }
    List<String> problems = new ArrayList<>();
    for (int k = 0; k < placement.sharedGpus().size(); k++) {
      Placement.SharedGpu gpu = placement.sharedGpus().get(k);
      double busy = 0;
      long memory = 0;
      for (Placement.Slot s : gpu.slots()) {
        busy += s.latencySeconds();
        memory += bytes.get(s.model());
      }
      if (busy > gpu.cycleSeconds() * (1 + 1e-12)) {
        problems.add("shared GPU " + k + ": slots take " + busy + " s of a " + gpu.cycleSeconds() + " s cycle");
      }
      if (memory > groups.get(gpu.group()).memoryBytesPerGpu()) {
        problems.add("shared GPU " + k + ": " + memory + " bytes on a GPU of "
            + groups.get(gpu.group()).memoryBytesPerGpu());
      }
    }
    return problems;
  }
}

package dev.scaleplan.solvers.swapping;

import dev.scaleplan.api.Slo;

/**
 * The plan for one model and its predicted latency.
 *
 * @param name the model's name
 * @param mode whether it is kept on a GPU, swapped in on demand, or not served
 * @param gpu the GPU that serves its requests, or -1 when not served
 * @param swapInSeconds its pipelined swap-in time (first result, batch 1) on its GPU, interference included; for a
 *     model not served, on an idle GPU
 * @param hitProbability for a swapped model, the predicted share of its requests that find it still loaded; 0 otherwise
 * @param predictedSeconds the predicted {@code slo.percentile()}-th percentile of response time, {@code +Infinity}
 *     when not served or its GPU is overloaded
 * @param slo its objective
 * @param meetsSlo whether {@code predictedSeconds <= slo.targetSeconds()}
 * @param note why it is not served or misses, or empty
 */
public record ModelPlan(String name, Mode mode, int gpu, double swapInSeconds, double hitProbability,
    double predictedSeconds, Slo slo, boolean meetsSlo, String note) {

  /** Where a model's parameters are while it is served. */
  public enum Mode {
    /** Kept in its GPU's memory. */
    RESIDENT,
    /** In host memory, loaded into its GPU's swap buffer on demand. */
    SWAPPED,
    /** Not served: too large for a GPU, no memory left (resident-only plans), or the node is overloaded. */
    UNSERVED
  }
}

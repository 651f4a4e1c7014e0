package dev.scaleplan.solvers.swapping;

/**
 * One GPU of a plan.
 *
 * @param gpu its index, from 0
 * @param residentBytes the bytes of its resident models
 * @param swapBufferBytes the bytes reserved for swap-ins: the largest model swapped on it, 0 when none
 * @param residentModels how many models are resident on it
 * @param swappedModels how many swapped models it serves
 * @param computeFactor the slowdown of its executions: the node's interference factor when it serves resident and
 *     swapped models, else 1
 * @param utilization the predicted busy fraction, arrival rates times service times (at or above 1: overloaded)
 */
public record GpuPlan(int gpu, long residentBytes, long swapBufferBytes, int residentModels, int swappedModels,
    double computeFactor, double utilization) {

  /** The bytes in use: resident models plus the swap buffer. */
  public long usedBytes() {
    return residentBytes + swapBufferBytes;
  }
}

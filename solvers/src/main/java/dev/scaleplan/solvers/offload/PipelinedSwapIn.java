package dev.scaleplan.solvers.offload;

import java.util.Objects;

/**
 * One instance loading from host memory while it computes (FaaSwap, pipelined execution): layer {@code i} runs as
 * soon as it has arrived and layer {@code i - 1} has run, so the first result comes at
 * {@code finish(L-1)} with {@code finish(i) = max(arrived(i), finish(i-1)) + compute(i)} and
 * {@code arrived(i) = transfer(0) + ... + transfer(i)}, instead of {@code sum transfer + sum compute} when loading
 * first and computing after.
 */
public final class PipelinedSwapIn {
  private PipelinedSwapIn() {}

  /**
   * The first result's time, both ways.
   *
   * @param pipelinedSeconds with layer i computing while layer i+1 transfers
   * @param sequentialSeconds loading everything first
   * @param throughputAfterPerSecond batches per second once loaded (1 / total compute), times the batch
   */
  public record Result(double pipelinedSeconds, double sequentialSeconds, double throughputAfterPerSecond) {}

  /** The swap-in of layers with these transfer and compute times (per batch of {@code batch}). */
  public static Result of(double[] transferSeconds, double[] computeSeconds, int batch) {
    Objects.requireNonNull(transferSeconds, "transferSeconds");
    Objects.requireNonNull(computeSeconds, "computeSeconds");
    dev.scaleplan.api.Checks.atLeast("batch", batch, 1);
    if (transferSeconds.length != computeSeconds.length || transferSeconds.length == 0) {
      throw new IllegalArgumentException("Give one transfer and one compute time per layer (got "
          + transferSeconds.length + " and " + computeSeconds.length + ").");
    }
    double arrived = 0;
    double finish = 0;
    double transfers = 0;
    double computes = 0;
    for (int i = 0; i < transferSeconds.length; i++) {
      if (!(transferSeconds[i] >= 0 && computeSeconds[i] >= 0) || !Double.isFinite(transferSeconds[i])
          || !Double.isFinite(computeSeconds[i])) {
        throw new IllegalArgumentException("Layer " + i + "'s times must be finite and at least 0.");
      }
      arrived += transferSeconds[i];
      finish = Math.max(arrived, finish) + computeSeconds[i];
      transfers += transferSeconds[i];
      computes += computeSeconds[i];
    }
    return new Result(finish, transfers + computes, computes > 0 ? batch / computes : Double.POSITIVE_INFINITY);
  }
}

package dev.scaleplan.api;

/**
 * What an adapter that acts on real GPUs implements, so that the library can measure and (in later versions) load and
 * scale models through it. The JCuda adapter is one; tests use deterministic fakes.
 *
 * <p>Implementations time work on the device itself (CUDA events, for instance), not with the host's wall clock, and
 * report seconds.
 */
public interface Executor extends AutoCloseable {
  /** The GPU type the executor runs on, as a profile names it (for example {@code A100-80GB}). */
  String gpuType();

  /** The largest number of GPUs one batch may be spread over. */
  int maxParallelDegree();

  /**
   * Runs one batch of {@code batchSize} requests over {@code parallelDegree} GPUs and returns its latency in seconds.
   *
   * @throws IllegalArgumentException when the batch size or degree is out of the executor's range
   */
  double runBatch(int batchSize, int parallelDegree);

  /** Releases device resources; the default does nothing. */
  @Override
  default void close() {}
}

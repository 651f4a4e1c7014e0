package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.queueing.Method;

/** Synthetic instance options for solver tests: the solvers only read GPUs, type and capacity. */
public final class Options {
  private Options() {}

  public static InstanceOption option(String gpuType, int parallelDegree, int replicas, double capacity) {
    return new InstanceOption(gpuType, parallelDegree,
        InstanceConfig.of(replicas, 8, BatchLatency.affine(0.002, 0.0005)), capacity, Method.NUMERICAL);
  }
}

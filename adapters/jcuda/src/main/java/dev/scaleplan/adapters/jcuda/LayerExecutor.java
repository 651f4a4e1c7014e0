package dev.scaleplan.adapters.jcuda;

import dev.scaleplan.api.Executor;
import java.util.OptionalDouble;

/**
 * An {@link Executor} over a model of identical dense layers on one GPU, with the transfers the loading planner needs
 * timed on the device. {@link JCudaExecutor} is the real one; tests use fakes.
 */
public interface LayerExecutor extends Executor {
  /** The number of layers. */
  int layers();

  /** The parameter bytes of one layer. */
  long layerBytes();

  /** Runs layers {@code from} (inclusive) to {@code to} (exclusive) on a batch and returns the device time in seconds. */
  double runLayers(int batchSize, int from, int to);

  /**
   * Copies every layer's parameters from pinned host memory to the GPU in order, on one stream, and returns when each
   * layer had arrived, in seconds from the start of the first copy.
   */
  default double[] loadLayers() {
    int[] order = new int[layers()];
    for (int l = 0; l < order.length; l++) {
      order[l] = l;
    }
    return loadLayers(order);
  }

  /**
   * Executes a loading plan's order: copies the listed layers' parameters from pinned host memory to the GPU one after
   * another on one stream, in the order given (a loading plan's layer order), and returns when each listed layer had
   * arrived ({@code result[k]} for {@code order[k]}), in seconds from the start of the first copy.
   *
   * @throws IllegalArgumentException when a layer is out of range or listed twice
   */
  double[] loadLayers(int[] order);

  /** Checks a load order against {@code layers}: each in range, none twice. */
  static int[] checkOrder(int[] order, int layers) {
    java.util.Objects.requireNonNull(order, "order");
    boolean[] seen = new boolean[layers];
    for (int l : order) {
      if (l < 0 || l >= layers) {
        throw new IllegalArgumentException("Layer " + l + " of the load order is outside 0.." + (layers - 1) + ".");
      }
      if (seen[l]) {
        throw new IllegalArgumentException("Layer " + l + " is listed twice in the load order.");
      }
      seen[l] = true;
    }
    return order.clone();
  }

  /** The device time of one copy of {@code bytes} from pinned host memory to the GPU, in seconds. */
  double hostToDeviceSeconds(long bytes);

  /** The device time of one copy of {@code bytes} within the GPU's memory, in seconds. */
  double deviceToDeviceSeconds(long bytes);

  /** The device time of one copy of {@code bytes} to a second GPU, when there is one with peer access. */
  OptionalDouble peerSeconds(long bytes);

  /** The driver's version as CUDA writes it (for example 12040 for 12.4). */
  int driverVersion();

  @Override
  default double runBatch(int batchSize, int parallelDegree) {
    if (parallelDegree != 1) {
      throw new IllegalArgumentException("The parallel degree (" + parallelDegree + ") must be 1: this executor runs "
          + "a model on one GPU.");
    }
    return runLayers(batchSize, 0, layers());
  }

  @Override
  default int maxParallelDegree() {
    return 1;
  }
}

package dev.scaleplan.adapters.jcuda;

import static jcuda.driver.JCudaDriver.cuCtxCreate;
import static jcuda.driver.JCudaDriver.cuCtxDestroy;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceCanAccessPeer;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyPeerAsync;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;

import dev.scaleplan.api.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;

/**
 * The executor on a real NVIDIA GPU through JCuda's driver API. A model of {@code layers} dense layers of
 * {@code hidden} x {@code hidden} fp32 weights lives in device memory; a batch runs the PTX kernel
 * {@code layer_matmul} (src/main/cuda/layer.cu, compiled ahead of time by scripts/build-ptx.sh) once per layer, so its
 * time grows with the batch as a real layer's does. Everything is timed with CUDA events on one stream. Pinned host
 * memory holds a copy of the weights for host-to-device loads; a second GPU with peer access, when present, is the
 * target of peer copies.
 *
 * <p>Open it only where {@link CudaProbe#available()} says yes; {@link #open} refuses otherwise with the probe's
 * reason. Not thread-safe.
 */
public final class JCudaExecutor implements LayerExecutor {
  private static final int TILE = 16;

  private final int ordinal;
  private final String gpuType;
  private final int layers;
  private final int hidden;
  private final int maxBatch;
  private final CUcontext context = new CUcontext();
  private final CUmodule module = new CUmodule();
  private final CUfunction matmul = new CUfunction();
  private final CUfunction fill = new CUfunction();
  private final CUstream stream = new CUstream();
  private final CUevent start = new CUevent();
  private final CUevent stop = new CUevent();
  private final List<CUdeviceptr> weights = new ArrayList<>();
  private final CUdeviceptr input = new CUdeviceptr();
  private final CUdeviceptr output = new CUdeviceptr();
  private final Pointer pinned = new Pointer();
  private final CUdeviceptr scratch = new CUdeviceptr();
  private final int peer;
  private boolean closed;

  private JCudaExecutor(int ordinal, int layers, int hidden, int maxBatch) {
    this.ordinal = ordinal;
    this.layers = layers;
    this.hidden = hidden;
    this.maxBatch = maxBatch;
    CUdevice device = new CUdevice();
    cuDeviceGet(device, ordinal);
    byte[] name = new byte[256];
    cuDeviceGetName(name, name.length, device);
    this.gpuType = cString(name);
    cuCtxCreate(context, 0, device);
    cuModuleLoadData(module, ptx());
    cuModuleGetFunction(matmul, module, "layer_matmul");
    cuModuleGetFunction(fill, module, "fill_pattern");
    cuStreamCreate(stream, 0);
    cuEventCreate(start, 0);
    cuEventCreate(stop, 0);
    long bytes = layerBytes();
    for (int i = 0; i < layers; i++) {
      CUdeviceptr w = new CUdeviceptr();
      cuMemAlloc(w, bytes);
      fillPattern(w, (long) hidden * hidden);
      weights.add(w);
    }
    cuMemAlloc(input, (long) maxBatch * hidden * Float.BYTES);
    cuMemAlloc(output, (long) maxBatch * hidden * Float.BYTES);
    fillPattern(input, (long) maxBatch * hidden);
    cuMemAllocHost(pinned, bytes);
    cuMemAlloc(scratch, bytes);
    this.peer = findPeer(device);
  }

  /**
   * Opens GPU {@code ordinal} with a model of {@code layers} layers of {@code hidden} x {@code hidden} weights and
   * batches up to {@code maxBatch}.
   *
   * @throws IllegalStateException "no CUDA device: ..." when the probe found none
   */
  public static JCudaExecutor open(int ordinal, int layers, int hidden, int maxBatch) {
    if (!CudaProbe.available()) {
      throw new IllegalStateException("no CUDA device: " + CudaProbe.unavailableReason().orElse("unknown"));
    }
    Checks.atLeast("GPU ordinal", ordinal, 0);
    if (ordinal >= CudaProbe.devices().size()) {
      throw new IllegalArgumentException("There is no GPU " + ordinal + "; the driver sees "
          + CudaProbe.devices().size() + ".");
    }
    Checks.atLeast("layers", layers, 1);
    Checks.atLeast("hidden size", hidden, TILE);
    Checks.atLeast("max batch", maxBatch, 1);
    long perLayer = (long) hidden * hidden * Float.BYTES;
    long total = Math.multiplyExact(perLayer, (long) layers);
    long memory = CudaProbe.devices().get(ordinal).totalMemoryBytes();
    if (total > memory / 2) {
      throw new IllegalArgumentException("The model (" + layers + " x " + perLayer + " B) must fit in half the GPU's "
          + "memory (" + memory + " B).");
    }
    return new JCudaExecutor(ordinal, layers, hidden, maxBatch);
  }

  /** The PTX resource as a null-terminated byte array, as cuModuleLoadData wants it. */
  static byte[] ptx() {
    try (InputStream in = JCudaExecutor.class.getResourceAsStream("layer.ptx")) {
      if (in == null) {
        throw new IllegalStateException("layer.ptx is missing from the jcuda adapter's jar; run scripts/build-ptx.sh.");
      }
      byte[] text = in.readAllBytes();
      byte[] z = new byte[text.length + 1];
      System.arraycopy(text, 0, z, 0, text.length);
      return z;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int findPeer(CUdevice device) {
    int[] count = new int[1];
    cuDeviceGetCount(count);
    for (int j = 0; j < count[0]; j++) {
      if (j == ordinal) {
        continue;
      }
      CUdevice other = new CUdevice();
      cuDeviceGet(other, j);
      int[] can = new int[1];
      cuDeviceCanAccessPeer(can, device, other);
      if (can[0] == 1) {
        return j;
      }
    }
    return -1;
  }

  private void fillPattern(CUdeviceptr a, long n) {
    Pointer params = Pointer.to(Pointer.to(a), Pointer.to(new long[] {n}));
    cuLaunchKernel(fill, 256, 1, 1, 256, 1, 1, 0, stream, params, null);
  }

  @Override
  public String gpuType() {
    return gpuType;
  }

  @Override
  public int layers() {
    return layers;
  }

  @Override
  public long layerBytes() {
    return (long) hidden * hidden * Float.BYTES;
  }

  /** The hidden size. */
  public int hidden() {
    return hidden;
  }

  @Override
  public double runLayers(int batchSize, int from, int to) {
    if (batchSize < 1 || batchSize > maxBatch) {
      throw new IllegalArgumentException("The batch (" + batchSize + ") must be between 1 and " + maxBatch + ".");
    }
    if (from < 0 || to > layers || from >= to) {
      throw new IllegalArgumentException("The layers [" + from + ", " + to + ") must lie in [0, " + layers + ").");
    }
    current();
    int gridX = (hidden + TILE - 1) / TILE;
    int gridY = (batchSize + TILE - 1) / TILE;
    cuEventRecord(start, stream);
    for (int l = from; l < to; l++) {
      CUdeviceptr in = (l - from) % 2 == 0 ? input : output;
      CUdeviceptr out = (l - from) % 2 == 0 ? output : input;
      Pointer params = Pointer.to(Pointer.to(in), Pointer.to(weights.get(l)), Pointer.to(out),
          Pointer.to(new int[] {batchSize}), Pointer.to(new int[] {hidden}));
      cuLaunchKernel(matmul, gridX, gridY, 1, TILE, TILE, 1, 0, stream, params, null);
    }
    return elapsed();
  }

  @Override
  public double[] loadLayers(int[] order) {
    int[] o = LayerExecutor.checkOrder(order, layers);
    current();
    int n = o.length;
    double[] arrived = new double[n];
    CUevent[] marks = new CUevent[n];
    cuEventRecord(start, stream);
    for (int l = 0; l < n; l++) {
      cuMemcpyHtoDAsync(weights.get(o[l]), pinned, layerBytes(), stream);
      marks[l] = new CUevent();
      cuEventCreate(marks[l], 0);
      cuEventRecord(marks[l], stream);
    }
    for (int l = 0; l < n; l++) {
      cuEventSynchronize(marks[l]);
      float[] ms = new float[1];
      cuEventElapsedTime(ms, start, marks[l]);
      arrived[l] = ms[0] / 1e3;
      cuEventDestroy(marks[l]);
    }
    return arrived;
  }

  @Override
  public double hostToDeviceSeconds(long bytes) {
    checkBytes(bytes);
    current();
    cuEventRecord(start, stream);
    cuMemcpyHtoDAsync(scratch, pinned, bytes, stream);
    return elapsed();
  }

  @Override
  public double deviceToDeviceSeconds(long bytes) {
    checkBytes(bytes);
    current();
    cuEventRecord(start, stream);
    cuMemcpyDtoDAsync(scratch, weights.get(0), bytes, stream);
    return elapsed();
  }

  @Override
  public OptionalDouble peerSeconds(long bytes) {
    checkBytes(bytes);
    if (peer < 0) {
      return OptionalDouble.empty();
    }
    current();
    CUdevice other = new CUdevice();
    cuDeviceGet(other, peer);
    CUcontext otherContext = new CUcontext();
    cuCtxCreate(otherContext, 0, other);
    CUdeviceptr target = new CUdeviceptr();
    cuMemAlloc(target, bytes);
    current();
    cuEventRecord(start, stream);
    cuMemcpyPeerAsync(target, otherContext, scratch, context, bytes, stream);
    double s = elapsed();
    cuCtxSetCurrent(otherContext);
    cuMemFree(target);
    cuCtxDestroy(otherContext);
    current();
    return OptionalDouble.of(s);
  }

  @Override
  public int driverVersion() {
    int[] v = new int[1];
    cuDriverGetVersion(v);
    return v[0];
  }

  private void checkBytes(long bytes) {
    if (bytes < 1 || bytes > layerBytes()) {
      throw new IllegalArgumentException("The copy size (" + bytes + " B) must be between 1 and one layer ("
          + layerBytes() + " B).");
    }
  }

  private void current() {
    if (closed) {
      throw new IllegalStateException("The executor is closed.");
    }
    cuCtxSetCurrent(context);
  }

  private double elapsed() {
    cuEventRecord(stop, stream);
    cuEventSynchronize(stop);
    float[] ms = new float[1];
    cuEventElapsedTime(ms, start, stop);
    return ms[0] / 1e3;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    cuCtxSetCurrent(context);
    for (CUdeviceptr w : weights) {
      cuMemFree(w);
    }
    cuMemFree(input);
    cuMemFree(output);
    cuMemFree(scratch);
    cuMemFreeHost(pinned);
    cuEventDestroy(start);
    cuEventDestroy(stop);
    cuStreamDestroy(stream);
    cuModuleUnload(module);
    cuCtxDestroy(context);
    closed = true;
  }

  private static String cString(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) {
      n++;
    }
    return new String(bytes, 0, n, StandardCharsets.US_ASCII);
  }
}

package dev.scaleplan.adapters.jcuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.io.ProfileJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measurement logic on a deterministic fake GPU (CI has none); the real one is in {@link JCudaExecutorTest}. */
class DeviceProfilerTest {
  @TempDir Path dir;

  /**
   * A fake GPU: layer l of a batch of b takes (1 + l) ms + 0.05 ms x b; copies of n bytes take n / 25e9 s from host
   * memory and n / 1e12 s within the GPU; layers arrive one copy after another; no peer.
   */
  static final class FakeGpu implements LayerExecutor {
    final int layers;
    final long layerBytes;
    int calls;

    FakeGpu(int layers, long layerBytes) {
      this.layers = layers;
      this.layerBytes = layerBytes;
    }

    @Override
    public String gpuType() {
      return "FAKE-GPU";
    }

    @Override
    public int layers() {
      return layers;
    }

    @Override
    public long layerBytes() {
      return layerBytes;
    }

    @Override
    public double runLayers(int batchSize, int from, int to) {
      calls++;
      double s = 0;
      for (int l = from; l < to; l++) {
        s += (1 + l) * 1e-3 + 0.05e-3 * batchSize;
      }
      return s;
    }

    @Override
    public double[] loadLayers(int[] order) {
      int[] o = LayerExecutor.checkOrder(order, layers);
      double[] t = new double[o.length];
      for (int k = 0; k < o.length; k++) {
        t[k] = (k + 1) * layerBytes / 25e9;
      }
      return t;
    }

    @Override
    public double hostToDeviceSeconds(long bytes) {
      return bytes / 25e9;
    }

    @Override
    public double deviceToDeviceSeconds(long bytes) {
      return bytes / 1e12;
    }

    @Override
    public OptionalDouble peerSeconds(long bytes) {
      return OptionalDouble.empty();
    }

    @Override
    public int driverVersion() {
      return 12040;
    }
  }

  @Test
  void theProfileBandwidthsAndSharesAreTheDevicesOwn() throws IOException {
    FakeGpu gpu = new FakeGpu(4, 64L << 20);
    DeviceProfiler.Measurement m = DeviceProfiler.measure(gpu, "fake-4x64MiB", new int[] {1, 8, 64}, 2, 5);
    LatencyCurve curve = m.profile().require("FAKE-GPU", 1, Phase.BATCH);
    // A batch of b through 4 layers: (1 + 2 + 3 + 4) ms + 4 x 0.05 ms x b.
    for (int b : new int[] {1, 8, 64}) {
      assertEquals(10e-3 + 0.2e-3 * b, curve.seconds(b, LatencyCurve.Statistic.MEAN), 1e-12);
    }
    // Shares at the largest batch (64): (1 + l + 3.2) / (10 + 12.8).
    double[] shares = m.profile().facts().layerLatencyShares();
    for (int l = 0; l < 4; l++) {
      assertEquals((1 + l + 3.2) / 22.8, shares[l], 1e-12);
    }
    assertEquals(4 * (64L << 20), m.profile().facts().parameterBytes().getAsLong());
    assertEquals(25e9, m.hostToDeviceBytesPerSecond(), 1);
    assertEquals(1e12, m.deviceToDeviceBytesPerSecond(), 1e3);
    assertFalse(m.peerBytesPerSecond().isPresent());
    assertEquals(4 * (64L << 20) / 25e9, m.loadSeconds(), 1e-12);
    assertTrue(m.profile().source().contains("FAKE-GPU") && m.profile().source().contains("CUDA driver 12.4"),
        m.profile().source());
    // Written in the profiler's own format: it reads back equal, and the bandwidths sit beside it.
    Path out = dir.resolve("fake.json");
    MeasurementFiles.write(m, out);
    LatencyProfile back = ProfileJson.read(out);
    assertEquals(m.profile(), back);
    String bw = Files.readString(dir.resolve("fake.bandwidths.json"));
    assertTrue(bw.contains("\"hostToDeviceBytesPerSecond\" : 2.5E10") && bw.contains("\"cudaDriver\" : \"12.4\""),
        bw);
  }

  @Test
  void theParallelDegreeIsOne() {
    FakeGpu gpu = new FakeGpu(2, 1024);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.runBatch(4, 2));
    assertTrue(e.getMessage().contains("parallel degree (2)"), e.getMessage());
    assertEquals(1, gpu.maxParallelDegree());
  }

  @Test
  void loadOrdersAreChecked() {
    FakeGpu gpu = new FakeGpu(3, 1000);
    assertEquals(3, gpu.loadLayers(new int[] {2, 0, 1}).length);
    assertEquals(1, gpu.loadLayers(new int[] {1}).length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.loadLayers(new int[] {0, 0}));
    assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> gpu.loadLayers(new int[] {3}));
    assertTrue(e.getMessage().contains("outside 0..2"), e.getMessage());
  }

  @Test
  void mediansAndDriverText() {
    assertEquals(2.0, DeviceProfiler.median(new double[] {3, 1, 2}));
    assertEquals(2.5, DeviceProfiler.median(new double[] {4, 1, 2, 3}));
    assertEquals("13.0", DeviceProfiler.driverText(13000));
    assertEquals("12.4", DeviceProfiler.driverText(12040));
  }

  @Test
  void thePtxShipsWithBothKernels() {
    String ptx = new String(JCudaExecutor.ptx(), java.nio.charset.StandardCharsets.US_ASCII);
    assertTrue(ptx.contains(".visible .entry layer_matmul(") && ptx.contains(".visible .entry fill_pattern("));
    assertEquals(0, JCudaExecutor.ptx()[JCudaExecutor.ptx().length - 1], "null-terminated for cuModuleLoadData");
    assertArrayEquals(JCudaExecutor.ptx(), JCudaExecutor.ptx());
  }
}

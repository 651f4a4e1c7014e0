package dev.scaleplan.adapters.jcuda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleplan.profiler.io.ProfileJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a {@link DeviceProfiler.Measurement}: the profile in the profiler's JSON format at the given path (readable
 * by {@code scaleplan profile show} and every planner), and the bandwidths beside it in {@code <name>.bandwidths.json}.
 */
public final class MeasurementFiles {
  private MeasurementFiles() {}

  /** The bandwidth file that goes with {@code profile}. */
  public static Path bandwidthPath(Path profile) {
    String name = profile.getFileName().toString();
    String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    return profile.resolveSibling(base + ".bandwidths.json");
  }

  /** The bandwidths as JSON text. */
  public static String bandwidthJson(DeviceProfiler.Measurement m) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("gpu", m.gpuType());
    root.put("cudaDriver", DeviceProfiler.driverText(m.driverVersion()));
    root.put("hostToDeviceBytesPerSecond", m.hostToDeviceBytesPerSecond());
    root.put("deviceToDeviceBytesPerSecond", m.deviceToDeviceBytesPerSecond());
    root.put("peerBytesPerSecond", m.peerBytesPerSecond().isPresent() ? m.peerBytesPerSecond().getAsDouble() : null);
    root.put("modelLoadSeconds", m.loadSeconds());
    root.put("layerArrivalSeconds", m.layerArrivalSeconds());
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the profile to {@code profile} and the bandwidths beside it. */
  public static void write(DeviceProfiler.Measurement m, Path profile) {
    ProfileJson.write(m.profile(), profile);
    try {
      Files.writeString(bandwidthPath(profile), bandwidthJson(m));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + bandwidthPath(profile) + ": " + e.getMessage(), e);
    }
  }
}

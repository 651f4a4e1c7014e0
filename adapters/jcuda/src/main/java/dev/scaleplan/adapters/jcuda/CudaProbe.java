package dev.scaleplan.adapters.jcuda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * Finds out once per JVM whether the CUDA driver API is usable, and which GPUs it sees.
 *
 * <p>JCuda fails in two ways on a machine without a GPU driver: the first call throws {@link UnsatisfiedLinkError}
 * ({@code libcuda.so.1} missing), and every later call in the same JVM throws {@link NoClassDefFoundError}
 * ("Could not initialize class jcuda.driver.JCudaDriver"). So the probe runs once, remembers its answer, and never
 * retries; callers (and GPU tests, which skip when it says no) ask {@link #devices()} or {@link #unavailableReason()}.
 */
public final class CudaProbe {
  /** One GPU as the driver reports it. */
  public record Device(int ordinal, String name, long totalMemoryBytes, int computeMajor, int computeMinor) {}

  private static final Result RESULT = probe();

  private CudaProbe() {}

  private record Result(List<Device> devices, String reason) {}

  /** Whether at least one CUDA device is usable through the driver API. */
  public static boolean available() {
    return !RESULT.devices.isEmpty();
  }

  /** The CUDA devices found; empty without a driver or a GPU. */
  public static List<Device> devices() {
    return RESULT.devices;
  }

  /** Why no device is usable (empty when one is). */
  public static Optional<String> unavailableReason() {
    return RESULT.devices.isEmpty() ? Optional.of(RESULT.reason) : Optional.empty();
  }

  private static Result probe() {
    try {
      JCudaDriver.setExceptionsEnabled(true);
      JCudaDriver.cuInit(0);
      int[] count = new int[1];
      JCudaDriver.cuDeviceGetCount(count);
      List<Device> found = new ArrayList<>();
      for (int i = 0; i < count[0]; i++) {
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, i);
        byte[] name = new byte[256];
        JCudaDriver.cuDeviceGetName(name, name.length, device);
        long[] memory = new long[1];
        JCudaDriver.cuDeviceTotalMem(memory, device);
        int[] major = new int[1];
        int[] minor = new int[1];
        JCudaDriver.cuDeviceGetAttribute(major,
            jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        JCudaDriver.cuDeviceGetAttribute(minor,
            jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        found.add(new Device(i, cString(name), memory[0], major[0], minor[0]));
      }
      return new Result(List.copyOf(found), found.isEmpty() ? "the CUDA driver reports no device" : "");
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return new Result(List.of(), "no CUDA driver on this machine (" + concise(e.getMessage()) + ")");
    } catch (RuntimeException e) {
      return new Result(List.of(), "the CUDA driver refused to start (" + concise(e.getMessage()) + ")");
    }
  }

  /**
   * One line out of JCuda's loader message, which nests whole stack traces: the line that names libcuda when there is
   * one (the usual cause: "libcuda.so.1: cannot open shared object file"), else the first line.
   */
  static String concise(String message) {
    if (message == null || message.isBlank()) {
      return "no detail";
    }
    String[] lines = message.split("\\R");
    for (String line : lines) {
      int at = line.indexOf("libcuda");
      if (at >= 0) {
        return line.substring(at).strip();
      }
    }
    return lines[0].strip();
  }

  private static String cString(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) {
      n++;
    }
    return new String(bytes, 0, n, StandardCharsets.US_ASCII);
  }

  /** Prints what the probe found; used on GPU machines to check the adapter end to end. */
  public static void main(String[] args) {
    if (!available()) {
      System.out.println("CUDA unavailable: " + unavailableReason().orElse(""));
      return;
    }
    for (Device d : devices()) {
      System.out.printf("GPU %d: %s, %.1f GiB, compute capability %d.%d%n",
          d.ordinal(), d.name(), d.totalMemoryBytes() / (double) (1L << 30), d.computeMajor(), d.computeMinor());
    }
  }
}

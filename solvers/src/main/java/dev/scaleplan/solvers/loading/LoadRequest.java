package dev.scaleplan.solvers.loading;

import dev.scaleplan.api.Checks;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to load where: the model's layers, where copies of it already are, and the new instances.
 *
 * <p>Every instance, serving or new, runs the model with the same parallel degree {@code k} (scaling out replicates
 * the serving configuration): its GPU {@code j} holds shard {@code j}, 1/k of every layer. So a serving instance's
 * GPU {@code j} can feed the new instances' GPUs {@code j}.
 *
 * @param topology the hardware
 * @param layerBytes parameter bytes per layer, in load order; each above 0
 * @param parallelDegree GPUs per instance, at least 1
 * @param sources serving instances (their GPUs hold the model)
 * @param memoryHosts hosts holding the whole model in host memory
 * @param ssdHosts hosts holding it on their local SSD
 * @param objectStore whether the object store holds it
 * @param targets the new instances, on free GPUs (none shared with another instance)
 * @param chunkBytes the unit a chain forwards as soon as it has arrived, at least 1
 */
public record LoadRequest(Topology topology, long[] layerBytes, int parallelDegree, List<Instance> sources,
    Set<String> memoryHosts, Set<String> ssdHosts, boolean objectStore, List<Instance> targets, long chunkBytes) {
  /**
   * Default chunk: 16 MiB, large enough for RDMA to run at line rate and small enough that a chain of 64 adds under
   * 10% to a 17.5 GB shard at 50 GB/s (63 x 16 MiB / 50 GB/s = 21 ms against 350 ms).
   */
  public static final long DEFAULT_CHUNK = 16L << 20;

  /** The largest model the planner takes: 1e16 bytes (10 PB). */
  public static final long MAX_MODEL_BYTES = 10_000_000_000_000_000L;

  /**
   * An instance: a host and the GPUs it uses there, GPU {@code j} of the list holding shard {@code j}.
   *
   * @param host the host's name
   * @param gpus GPU indices on that host, distinct
   */
  public record Instance(String host, int[] gpus) {
    public Instance {
      Objects.requireNonNull(host, "host");
      gpus = Objects.requireNonNull(gpus, "gpus").clone();
      if (gpus.length == 0) {
        throw new IllegalArgumentException("An instance on " + host + " needs at least one GPU.");
      }
    }

    @Override
    public int[] gpus() {
      return gpus.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Instance i && i.host.equals(host) && Arrays.equals(i.gpus, gpus);
    }

    @Override
    public int hashCode() {
      return host.hashCode() * 31 + Arrays.hashCode(gpus);
    }

    @Override
    public String toString() {
      return host + Arrays.toString(gpus);
    }
  }

  public LoadRequest {
    Objects.requireNonNull(topology, "topology");
    layerBytes = Objects.requireNonNull(layerBytes, "layerBytes").clone();
    if (layerBytes.length == 0) {
      throw new IllegalArgumentException("The model needs at least one layer to load.");
    }
    long total = 0;
    for (int i = 0; i < layerBytes.length; i++) {
      if (layerBytes[i] <= 0) {
        throw new IllegalArgumentException("The bytes of layer " + i + " (" + layerBytes[i] + ") must be above 0.");
      }
      total += Math.min(layerBytes[i], MAX_MODEL_BYTES + 1);
      if (total > MAX_MODEL_BYTES) {
        throw new IllegalArgumentException("The model's bytes (more than " + MAX_MODEL_BYTES + ") must be at most "
            + MAX_MODEL_BYTES + ".");
      }
    }
    Checks.atLeast("parallel degree", parallelDegree, 1);
    sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
    memoryHosts = Set.copyOf(Objects.requireNonNull(memoryHosts, "memoryHosts"));
    ssdHosts = Set.copyOf(Objects.requireNonNull(ssdHosts, "ssdHosts"));
    targets = List.copyOf(Objects.requireNonNull(targets, "targets"));
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("The chunk (" + chunkBytes + " bytes) must be at least 1 byte.");
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("There is no new instance to load.");
    }
    if (sources.isEmpty() && memoryHosts.isEmpty() && ssdHosts.isEmpty() && !objectStore) {
      throw new IllegalArgumentException("No copy of the model exists: give serving instances, hosts holding it in "
          + "memory or on SSD, or the object store.");
    }
    for (String h : memoryHosts) {
      topology.indexOf(h);
    }
    for (String h : ssdHosts) {
      topology.indexOf(h);
    }
    Set<String> used = new HashSet<>();
    for (Instance i : sources) {
      check(topology, i, parallelDegree, used, "serving instance");
    }
    for (Instance i : targets) {
      check(topology, i, parallelDegree, used, "new instance");
    }
  }

  private static void check(Topology t, Instance i, int k, Set<String> used, String what) {
    Topology.Host h = t.hosts().get(t.indexOf(i.host()));
    if (i.gpus.length != k) {
      throw new IllegalArgumentException("The " + what + " " + i + " has " + i.gpus.length + " GPUs; every instance"
          + " has the parallel degree " + k + ".");
    }
    for (int g : i.gpus) {
      if (g < 0 || g >= h.gpus()) {
        throw new IllegalArgumentException("The " + what + " " + i + " names GPU " + g + ", but " + h.name()
            + " has GPUs 0.." + (h.gpus() - 1) + ".");
      }
      if (!used.add(h.name() + "/" + g)) {
        throw new IllegalArgumentException("GPU " + g + " of " + h.name() + " is in two instances.");
      }
    }
  }

  @Override
  public long[] layerBytes() {
    return layerBytes.clone();
  }

  /** Total parameter bytes. */
  public long modelBytes() {
    return Arrays.stream(layerBytes).sum();
  }

  /** Bytes one GPU of an instance needs: 1/k of every layer (rounded up per layer). */
  public long shardBytes() {
    return shardPrefix(layerBytes.length);
  }

  /** Bytes of a shard through the end of layer {@code layers - 1} (0 for none). */
  public long shardPrefix(int layers) {
    return shardPrefixes()[layers];
  }

  /** {@code shardPrefix(l)} for every {@code l} from 0 to the layer count, in one pass. */
  public long[] shardPrefixes() {
    long[] p = new long[layerBytes.length + 1];
    for (int i = 0; i < layerBytes.length; i++) {
      p[i + 1] = p[i] + (layerBytes[i] + parallelDegree - 1) / parallelDegree;
    }
    return p;
  }

  /** {@code n} layers of {@code bytes} each (for a model known by its size alone). */
  public static long[] uniformLayers(long totalBytes, int layers) {
    if (totalBytes < layers || layers < 1) {
      throw new IllegalArgumentException("The model (" + totalBytes + " bytes) must have at least one byte for each"
          + " of its " + layers + " layers.");
    }
    long[] l = new long[layers];
    for (int i = 0; i < layers; i++) {
      l[i] = totalBytes / layers + (i < totalBytes % layers ? 1 : 0);
    }
    return l;
  }
}

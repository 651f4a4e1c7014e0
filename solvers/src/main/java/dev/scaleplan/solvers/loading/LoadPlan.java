package dev.scaleplan.solvers.loading;

import java.util.List;

/**
 * A loading plan and its timing.
 *
 * @param strategy which planner made it ({@code multicast}, or a baseline's name)
 * @param gpus per target GPU: where its shard comes from and when it is complete
 * @param instances per new instance: when each layer is resident on all its GPUs, and when it is complete
 * @param makespanSeconds when the last new instance is complete
 * @param lowerBoundSeconds the single-path lower bound (see {@link LoadPlanner})
 * @param links per link: its capacity, the rate the plan puts on it and how many chains share it
 */
public record LoadPlan(String strategy, List<GpuLoad> gpus, List<InstanceLoad> instances, double makespanSeconds,
    double lowerBoundSeconds, List<LinkUse> links) {
  public LoadPlan {
    gpus = List.copyOf(gpus);
    instances = List.copyOf(instances);
    links = List.copyOf(links);
  }

  /** Where data comes from. */
  public enum Tier {
    /** A serving GPU, over NVLink or the RDMA network, possibly forwarded along a chain. */
    GPU,
    /** The target host's own memory, over PCIe. */
    HOST_MEMORY,
    /** Another host's memory, over the network. */
    REMOTE_MEMORY,
    /** The target host's SSD. */
    LOCAL_SSD,
    /** Another host's SSD, over the network. */
    REMOTE_SSD,
    /** The shared object store. */
    OBJECT_STORE;

    /** Lower-case name with dashes. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One target GPU's load.
   *
   * @param target the new instance's index
   * @param shard the shard (the GPU's position in its instance)
   * @param host its host
   * @param gpu its GPU index on the host
   * @param tier where the chain it is on starts
   * @param path the chain from its head to this GPU, as node names
   * @param rateBytesPerSecond the chain's rate
   * @param doneSeconds when the whole shard is resident
   */
  public record GpuLoad(int target, int shard, String host, int gpu, Tier tier, List<String> path,
      double rateBytesPerSecond, double doneSeconds) {
    public GpuLoad {
      path = java.util.Collections.unmodifiableList(path); // a view: chains share one list of names
    }
  }

  /**
   * One new instance's load.
   *
   * @param target its index
   * @param instance where it is
   * @param layerReadySeconds for each layer, when it is resident on every GPU of the instance
   * @param doneSeconds when the last layer is resident
   */
  public record InstanceLoad(int target, LoadRequest.Instance instance, double[] layerReadySeconds,
      double doneSeconds) {
    public InstanceLoad {
      layerReadySeconds = layerReadySeconds.clone();
    }

    @Override
    public double[] layerReadySeconds() {
      return layerReadySeconds.clone();
    }
  }

  /**
   * One link's schedule: the chains that cross it, each at its rate from the start of the load until it finishes.
   *
   * @param link its name, such as {@code h100-3/nic2/in}
   * @param capacityBytesPerSecond its bandwidth
   * @param rateBytesPerSecond the sum of the rates of the chains that use it
   * @param chains how many chains use it
   * @param busyUntilSeconds when its last chain finishes
   * @param transfers the chains on it
   */
  public record LinkUse(String link, double capacityBytesPerSecond, double rateBytesPerSecond, int chains,
      double busyUntilSeconds, List<Transfer> transfers) {
    public LinkUse {
      transfers = List.copyOf(transfers);
    }
  }

  /**
   * One chain on a link.
   *
   * @param chain the chain's number in the plan
   * @param head where the chain starts, such as {@code h100-0/gpu3} or {@code object-store}
   * @param rateBytesPerSecond its rate
   * @param startSeconds when it starts (every chain starts at 0)
   * @param endSeconds when its last GPU is complete
   */
  public record Transfer(int chain, String head, double rateBytesPerSecond, double startSeconds, double endSeconds) {}

  /** The makespan over the lower bound (at least 1). */
  public double ratioToLowerBound() {
    return makespanSeconds / lowerBoundSeconds;
  }
}

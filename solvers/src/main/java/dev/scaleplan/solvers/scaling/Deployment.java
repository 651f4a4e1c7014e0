package dev.scaleplan.solvers.scaling;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What runs now: a cluster and the instances on its hosts.
 *
 * @param cluster the hosts
 * @param instances the running instances, each inside one host, with distinct ids; together within each host's GPUs
 */
public record Deployment(Cluster cluster, List<Running> instances) {
  /**
   * One running instance.
   *
   * @param id a unique name
   * @param host the host it runs on
   * @param option its configuration and capacity
   */
  public record Running(String id, String host, InstanceOption option) {
    public Running {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(option, "option");
      if (id.isBlank()) {
        throw new IllegalArgumentException("A running instance needs a non-blank id.");
      }
    }
  }

  public Deployment {
    Objects.requireNonNull(cluster, "cluster");
    instances = List.copyOf(Objects.requireNonNull(instances, "instances"));
    Set<String> ids = new HashSet<>();
    Map<String, Integer> used = new TreeMap<>();
    for (Running r : instances) {
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("The instance id '" + r.id() + "' appears twice.");
      }
      Cluster.Host h = cluster.host(r.host());
      if (!h.fits(r.option())) {
        throw new IllegalArgumentException("Instance " + r.id() + " (" + r.option().label() + ", "
            + r.option().gpus() + " GPUs) cannot run on host " + h.name() + " (" + h.gpus() + " x " + h.gpuType()
            + ").");
      }
      used.merge(h.name(), r.option().gpus(), Integer::sum);
    }
    for (Map.Entry<String, Integer> e : used.entrySet()) {
      int gpus = cluster.host(e.getKey()).gpus();
      if (e.getValue() > gpus) {
        throw new IllegalArgumentException("Host " + e.getKey() + " runs instances on " + e.getValue()
            + " GPUs but has only " + gpus + ".");
      }
    }
  }

  /** GPUs not used by any instance, per host (in the cluster's host order). */
  public Map<String, Integer> freeGpus() {
    Map<String, Integer> free = new java.util.LinkedHashMap<>();
    for (Cluster.Host h : cluster.hosts()) {
      free.put(h.name(), h.gpus());
    }
    for (Running r : instances) {
      free.merge(r.host(), -r.option().gpus(), Integer::sum);
    }
    return free;
  }

  /** Total capacity in requests per second. */
  public double capacityPerSecond() {
    return instances.stream().mapToDouble(r -> r.option().capacityPerSecond()).sum();
  }

  /** The instances as plan groups (one per instance, with its host). */
  public List<ScalingPlan.Group> groups() {
    List<ScalingPlan.Group> g = new ArrayList<>();
    for (Running r : instances) {
      g.add(new ScalingPlan.Group(r.option(), 1, r.host()));
    }
    return g;
  }
}

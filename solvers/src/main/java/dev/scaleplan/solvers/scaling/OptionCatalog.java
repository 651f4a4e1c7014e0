package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.ProfileKey;
import dev.scaleplan.queueing.Capacity;
import dev.scaleplan.queueing.CapacityResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The instance options of a model under an SLO, from its latency profile and the queueing module's capacity
 * inversion: for every measured (GPU type, parallel degree) curve, the batch cap with the greatest capacity for one
 * replica, then the same batch cap with more replicas (vertical scaling in place).
 *
 * <p>A replica's capacity is numerical ({@code Capacity.of} on the batch chain, to a relative 1e-4 of saturation,
 * rounded down); an instance of {@code r} replicas, each with its own queue behind an even split, has exactly
 * {@code r} times that (see {@link InstanceOption}). Curves whose every batch cap misses the SLO even when idle are
 * listed as rejected, with the reason.
 */
public final class OptionCatalog {
  private OptionCatalog() {}

  /**
   * What to enumerate.
   *
   * @param phase the profile phase whose latency is the batch latency ({@link Phase#BATCH} for single-pass models)
   * @param replicas replica counts per instance to offer (1 is always offered)
   * @param batches batch caps to try; empty means every power of two up to the largest measured batch, and that batch
   * @param dispatch the dispatch rule
   * @param gpuTypes GPU types to keep (case-insensitive); empty keeps all
   * @param statistic which latency statistic of the profile drives the queue (mean is the service time)
   */
  public record Spec(Phase phase, List<Integer> replicas, List<Integer> batches, DispatchRule dispatch,
      Set<String> gpuTypes, LatencyCurve.Statistic statistic) {
    public Spec {
      Objects.requireNonNull(phase, "phase");
      replicas = List.copyOf(new TreeSet<>(Objects.requireNonNull(replicas, "replicas")));
      for (int r : replicas) {
        if (r < 1 || r > 1024) {
          throw new IllegalArgumentException("A replica count (" + r + ") must be in 1..1024.");
        }
      }
      batches = List.copyOf(new TreeSet<>(Objects.requireNonNull(batches, "batches")));
      for (int b : batches) {
        if (b < 1) {
          throw new IllegalArgumentException("A batch cap (" + b + ") must be at least 1.");
        }
      }
      Objects.requireNonNull(dispatch, "dispatch");
      Set<String> types = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      types.addAll(Objects.requireNonNull(gpuTypes, "gpuTypes"));
      gpuTypes = java.util.Collections.unmodifiableSet(types);
      Objects.requireNonNull(statistic, "statistic");
    }

    /** Batch phase, replicas 1, 2, 4 and 8, every power-of-two batch cap, work-conserving, every GPU type, means. */
    public static Spec defaults() {
      return new Spec(Phase.BATCH, List.of(1, 2, 4, 8), List.of(), DispatchRule.workConserving(), Set.of(),
          LatencyCurve.Statistic.MEAN);
    }

    /** The same spec with other replica counts. */
    public Spec withReplicas(List<Integer> counts) {
      return new Spec(phase, counts, batches, dispatch, gpuTypes, statistic);
    }

    /** The same spec with other GPU types. */
    public Spec withGpuTypes(Set<String> types) {
      return new Spec(phase, replicas, batches, dispatch, types, statistic);
    }
  }

  /**
   * A configuration that cannot serve under the SLO.
   *
   * @param configuration what was tried
   * @param reason why it cannot
   */
  public record Rejected(String configuration, String reason) {}

  /**
   * The options and what was rejected.
   *
   * @param slo the SLO
   * @param options the options that meet it, ordered by GPU type, parallel degree and replicas
   * @param rejected configurations that cannot meet it
   * @param buildNanos how long the capacity searches took
   */
  public record Catalog(Slo slo, List<InstanceOption> options, List<Rejected> rejected, long buildNanos) {
    public Catalog {
      options = List.copyOf(options);
      rejected = List.copyOf(rejected);
    }

    /** One sentence on why there is no option, for an infeasible plan's reason. */
    public String whyEmpty() {
      if (rejected.isEmpty()) {
        return "The profile has no curve to plan with.";
      }
      Rejected first = rejected.get(0);
      return "No instance configuration meets the SLO " + slo + ": " + first.configuration() + ": " + first.reason()
          + (rejected.size() > 1 ? " (and " + (rejected.size() - 1) + " more configurations)" : "");
    }
  }

  /** The options of {@code profile} under {@code slo}. */
  public static Catalog build(LatencyProfile profile, Slo slo, Spec spec) {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(slo, "slo");
    Objects.requireNonNull(spec, "spec");
    long start = System.nanoTime();
    List<InstanceOption> options = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    boolean anyCurve = false;
    for (Map.Entry<ProfileKey, LatencyCurve> e : profile.curves().entrySet()) {
      ProfileKey key = e.getKey();
      if (key.phase() != spec.phase()
          || !(spec.gpuTypes().isEmpty() || spec.gpuTypes().contains(key.gpuType()))) {
        continue;
      }
      anyCurve = true;
      LatencyCurve curve = e.getValue();
      BatchLatency latency = curve.toBatchLatency(spec.statistic());
      List<Integer> caps = batchCaps(spec, curve);
      if (caps.isEmpty()) {
        rejected.add(new Rejected(key.toString(), "no batch cap of " + spec.batches() + " is within the measured "
            + "range " + curve.minBatch() + ".." + curve.maxBatch()));
        continue;
      }
      List<CapacityResult> one = caps.parallelStream()
          .map(b -> Capacity.of(new InstanceConfig(1, b, latency, spec.dispatch()), slo)).toList();
      int bestIndex = -1;
      for (int i = 0; i < one.size(); i++) {
        if (one.get(i).feasible()
            && (bestIndex < 0 || one.get(i).maxRatePerSecond() > one.get(bestIndex).maxRatePerSecond())) {
          bestIndex = i;
        }
      }
      if (bestIndex < 0) {
        rejected.add(new Rejected(key.toString(), one.get(0).reason()));
        continue;
      }
      int b = caps.get(bestIndex);
      List<Integer> replicas = new ArrayList<>(new TreeSet<>(spec.replicas()));
      if (!replicas.contains(1)) {
        replicas.add(0, 1);
      }
      CapacityResult c = one.get(bestIndex);
      if (c.maxRatePerSecond() <= 0) {
        rejected.add(new Rejected(key.toString(), "the capacity under the SLO rounds to 0 requests/s"));
        continue;
      }
      for (int r : replicas) {
        options.add(new InstanceOption(key.gpuType(), key.parallelDegree(),
            new InstanceConfig(r, b, latency, spec.dispatch()), r * c.maxRatePerSecond(), c.method()));
      }
    }
    if (!anyCurve) {
      rejected.add(new Rejected(profile.model(), "the profile has no " + spec.phase().label() + " curve"
          + (spec.gpuTypes().isEmpty() ? "" : " for GPU types " + spec.gpuTypes())));
    }
    options.sort(Comparator.comparing(InstanceOption::gpuType, String.CASE_INSENSITIVE_ORDER)
        .thenComparingInt(InstanceOption::parallelDegree).thenComparingInt(InstanceOption::replicas));
    return new Catalog(slo, options, rejected, System.nanoTime() - start);
  }

  private static List<Integer> batchCaps(Spec spec, LatencyCurve curve) {
    List<Integer> caps = new ArrayList<>();
    if (spec.batches().isEmpty()) {
      for (int b = 1; b < curve.maxBatch(); b *= 2) {
        caps.add(b);
      }
      caps.add(curve.maxBatch());
    } else {
      for (int b : spec.batches()) {
        if (b <= curve.maxBatch()) {
          caps.add(b);
        }
      }
    }
    return caps;
  }
}

package dev.scaleplan.testkit.gen;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.queueing.Method;
import dev.scaleplan.solvers.scaling.Cluster;
import dev.scaleplan.solvers.scaling.CostModel;
import dev.scaleplan.solvers.scaling.InstanceOption;
import dev.scaleplan.solvers.scaling.ScalingProblem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Generators of scaling-planner inputs for property tests: synthetic instance options, target problems, costs,
 * clusters, and small affine latency profiles from which real (queueing-computed) options can be built.
 *
 * <p>Synthetic options carry a capacity drawn directly (log-uniform), not computed from their latency: the solvers
 * read only an option's GPU type, GPU count and capacity. Use {@link #affineProfiles()} with
 * {@code OptionCatalog.build} when the capacities must be real.
 */
public final class ScalingGens {
  /** The GPU types synthetic options and clusters draw from. */
  public static final List<String> GPU_TYPES = List.of("A100", "H100", "L4");

  /** Parallel degrees synthetic options draw from. */
  public static final List<Integer> PARALLEL_DEGREES = List.of(1, 2, 4);

  /** The SLO synthetic problems carry (the solvers only report it; synthetic capacities are not tied to it). */
  public static final Slo SYNTHETIC_SLO = Slo.of(99, 0.05);

  private ScalingGens() {}

  /**
   * Synthetic options: a type from {@link #GPU_TYPES}, parallel degree 1, 2 or 4, 1 to 8 replicas, batch cap 1 to 64,
   * an affine batch latency (fixed 1 to 20 ms, per item 0.05 to 2 ms), capacity log-uniform in [1, 1000) requests/s,
   * {@link Method#NUMERICAL}.
   */
  public static Gen<InstanceOption> options() {
    return options(Integer.MAX_VALUE, 1, 1000);
  }

  /**
   * Synthetic options as {@link #options()}, of at most {@code maxGpus} GPUs (parallel degree times replicas), with
   * capacity log-uniform in [{@code minCapacity}, {@code maxCapacity}) requests/s. Replica counts grow with the size.
   *
   * @param maxGpus the most GPUs one option may span, at least 1 (degree and replicas are drawn within it)
   * @param minCapacity the least capacity, above 0
   * @param maxCapacity the capacity bound, above {@code minCapacity}
   */
  public static Gen<InstanceOption> options(int maxGpus, double minCapacity, double maxCapacity) {
    if (maxGpus < 1) {
      throw new IllegalArgumentException("The GPU limit of an option (" + maxGpus + ") must be at least 1.");
    }
    Gen<String> type = Gen.oneOf(GPU_TYPES.toArray(String[]::new));
    Gen<Integer> replicas = Gen.ints(1, 8);
    Gen<Integer> batch = Gen.ints(1, 64);
    Gen<Double> fixed = Gen.logUniform(1e-3, 2e-2);
    Gen<Double> perItem = Gen.logUniform(5e-5, 2e-3);
    Gen<Double> capacity = Gen.logUniform(minCapacity, maxCapacity);
    return (rng, size) -> {
      List<Integer> degrees = PARALLEL_DEGREES.stream().filter(d -> d <= maxGpus).toList();
      int degree = degrees.get(rng.nextInt(degrees.size()));
      int r = Math.min(replicas.generate(rng, size), Math.max(1, maxGpus / degree));
      InstanceConfig config = InstanceConfig.of(r, batch.generate(rng, size),
          BatchLatency.affine(fixed.generate(rng, size), perItem.generate(rng, size)));
      return new InstanceOption(type.generate(rng, size), degree, config, capacity.generate(rng, size),
          Method.NUMERICAL);
    };
  }

  /** Lists of {@code minCount} to {@code maxCount} synthetic options from {@link #options()}. */
  public static Gen<List<InstanceOption>> optionLists(int minCount, int maxCount) {
    return options().list(minCount, maxCount);
  }

  /**
   * Lists of {@code minCount} to {@code maxCount} options (uniformly, at every size) that compete: each option's
   * capacity is its GPU count times a per-GPU rate common to the list (log-uniform in [5, 50) requests/s) times its
   * own factor uniform in [0.8, 1.25). Under GPU costs no option dominates by far, so optimal plans often mix
   * options, which is where a wrong solver shows.
   *
   * @param maxGpus the most GPUs one option may span
   */
  public static Gen<List<InstanceOption>> competingOptionLists(int minCount, int maxCount, int maxGpus) {
    if (minCount < 0 || maxCount < minCount) {
      throw new IllegalArgumentException("The count range [" + minCount + ", " + maxCount + "] is empty.");
    }
    Gen<InstanceOption> base = options(maxGpus, 1, 2);
    Gen<Double> perGpu = Gen.logUniform(5, 50);
    return (rng, size) -> {
      double rate = perGpu.generate(rng, size);
      int n = minCount + rng.nextInt(maxCount - minCount + 1);
      List<InstanceOption> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        InstanceOption o = base.generate(rng, size);
        out.add(new InstanceOption(o.gpuType(), o.parallelDegree(), o.config(),
            o.gpus() * rate * rng.nextDouble(0.8, 1.25), o.capacityMethod()));
      }
      return List.copyOf(out);
    };
  }

  /**
   * Cost models: half GPU counts, half prices per GPU for every type in {@link #GPU_TYPES}, each a whole number of
   * cents from 0.01 to 5.00 (so a whole multiple of {@link CostModel#PRICE_RESOLUTION}).
   */
  public static Gen<CostModel> costs() {
    return costs(GPU_TYPES);
  }

  /** Cost models as {@link #costs()}, pricing the given types. */
  public static Gen<CostModel> costs(Collection<String> gpuTypes) {
    List<String> types = List.copyOf(gpuTypes);
    return (rng, size) -> {
      if (rng.nextBoolean()) {
        return CostModel.gpus();
      }
      Map<String, Double> prices = new LinkedHashMap<>();
      for (String t : types) {
        prices.put(t, (1 + rng.nextInt(500)) / 100.0);
      }
      return CostModel.prices(prices);
    };
  }

  /**
   * Problems over synthetic option lists, with {@link #SYNTHETIC_SLO}; see {@link #problemsOn}.
   *
   * @param options the option lists (every GPU type must be in {@link #GPU_TYPES}, for prices)
   * @param minLoad the least rate as a multiple of the largest option's capacity, above 0
   * @param maxLoad the rate bound as such a multiple
   */
  public static Gen<ScalingProblem> problems(Gen<List<InstanceOption>> options, double minLoad, double maxLoad) {
    Objects.requireNonNull(options, "options");
    return options.flatMap(list -> problemsOn(list, SYNTHETIC_SLO, minLoad, maxLoad));
  }

  /**
   * Problems over fixed options: the rate is the largest capacity times a load log-uniform in
   * [{@code minLoad}, {@code maxLoad}) (so the instance counts of a plan stay bounded however the capacities are
   * scaled; 1 request/s when there is no option), headroom uniform in [1, 1.5), at least 0 to 3 instances, costs from
   * {@link #costs()}, and with probability 1/3 a budget: the cost of the cheapest plan that repeats one option, times
   * a factor uniform in [0.5, 1.3), rounded down to a whole GPU or cent, so budgets are sometimes too small, sometimes
   * binding and sometimes slack.
   */
  public static Gen<ScalingProblem> problemsOn(List<InstanceOption> options, Slo slo, double minLoad,
      double maxLoad) {
    List<InstanceOption> opts = List.copyOf(options);
    Gen<Double> load = Gen.logUniform(minLoad, maxLoad);
    Gen<Double> headroom = Gen.doubles(1.0, 1.5);
    Gen<Integer> min = Gen.ints(0, 3);
    Gen<CostModel> costs = costs();
    return (rng, size) -> {
      double largest = opts.stream().mapToDouble(InstanceOption::capacityPerSecond).max().orElse(1);
      double rate = largest * load.generate(rng, size);
      ScalingProblem p = new ScalingProblem(opts, rate, slo, headroom.generate(rng, size), min.generate(rng, size),
          costs.generate(rng, size), OptionalDouble.empty());
      if (rng.nextInt(3) == 0) {
        double reference = repeatOneOptionCost(p);
        if (Double.isFinite(reference)) {
          double budget = reference * rng.nextDouble(0.5, 1.3);
          budget = p.costs().priced() ? Math.floor(budget * 100) / 100 : Math.floor(budget);
          p = p.withBudget(budget);
        }
      }
      return p;
    };
  }

  /**
   * The cost of the cheapest plan that uses one option only (enough copies to cover the demand and the minimum
   * count), or infinity when there is no option: an upper bound on the optimum without a budget.
   */
  public static double repeatOneOptionCost(ScalingProblem p) {
    double best = Double.POSITIVE_INFINITY;
    for (InstanceOption o : p.options()) {
      double copies = Math.max(Math.ceil(p.demandPerSecond() / o.capacityPerSecond()), p.minInstances());
      best = Math.min(best, copies * p.costs().cost(o));
    }
    return best;
  }

  /**
   * Clusters of uniform host groups: every type of {@code gpuTypes} gets 1 or 2 groups (each type is present; the
   * second group with probability 1/2) of {@code minHosts} to {@code maxHosts} hosts, each group of one size from
   * {@code hostSizes}; built as {@code Cluster.uniform(...).plus(...)} with distinct host-name prefixes.
   */
  public static Gen<Cluster> uniformClusters(Collection<String> gpuTypes, int minHosts, int maxHosts,
      List<Integer> hostSizes) {
    List<String> types = List.copyOf(gpuTypes);
    List<Integer> sizes = List.copyOf(hostSizes);
    if (types.isEmpty() || sizes.isEmpty()) {
      throw new IllegalArgumentException("A cluster generator needs at least one GPU type and one host size.");
    }
    Gen<Integer> hosts = Gen.ints(minHosts, maxHosts);
    return (rng, size) -> {
      Cluster c = null;
      for (String t : types) {
        int groups = 1 + rng.nextInt(2);
        for (int g = 0; g < groups; g++) {
          Cluster part = Cluster.uniform(t + "-" + g, t, hosts.generate(rng, size),
              sizes.get(rng.nextInt(sizes.size())));
          c = c == null ? part : c.plus(part);
        }
      }
      return c;
    };
  }

  /**
   * A cluster on which the host constraints of {@code p} cannot bind: for every type of {@link #GPU_TYPES} and of
   * the options, {@code max(minInstances, ceil(demand / smallest capacity))} hosts of 8 GPUs (capacities and demand
   * in {@link ScalingProblem}'s integer units).
   *
   * <p>Why it cannot bind: costs are above 0, so a minimum-cost plan with more instances than the minimum loses
   * feasibility when any instance is removed, hence {@code (n - 1) * smallest capacity < demand}; so every optimal
   * plan has at most that many instances, and with every option of at most 8 GPUs, each instance gets a host of its
   * own type. The integer program on this cluster therefore has the same optimum as the cluster-free DP.
   *
   * @throws IllegalArgumentException when an option spans more than 8 GPUs
   */
  public static Cluster roomyCluster(ScalingProblem p) {
    long smallest = Long.MAX_VALUE;
    List<String> types = new ArrayList<>(GPU_TYPES);
    for (InstanceOption o : p.options()) {
      if (o.gpus() > 8) {
        throw new IllegalArgumentException("Option " + o + " spans more than one 8-GPU host.");
      }
      long v = ScalingProblem.capacityUnits(o);
      if (v > 0) {
        smallest = Math.min(smallest, v);
      }
      if (types.stream().noneMatch(t -> t.equalsIgnoreCase(o.gpuType()))) {
        types.add(o.gpuType());
      }
    }
    long demand = Math.max(0, p.demandUnits());
    long bound = smallest == Long.MAX_VALUE ? 0 : -Math.floorDiv(-demand, smallest);
    int hosts = (int) Math.max(1, Math.max(p.minInstances(), Math.min(bound, 100_000)));
    Cluster c = null;
    for (String t : types) {
      Cluster part = Cluster.uniform(t, t, hosts, 8);
      c = c == null ? part : c.plus(part);
    }
    return c;
  }

  /**
   * Small latency profiles of exactly affine curves: 1 to 3 curves, each of a distinct type from {@link #GPU_TYPES},
   * parallel degree 1 or 2, {@link Phase#BATCH}; latency {@code fixed + perItem * b} with fixed log-uniform in
   * [1, 20) ms and per item in [0.05, 2) ms, measured at every power of two up to a largest batch of 1 to 32 and at
   * that batch; p99 is the mean times 1.2. Linear interpolation between the points is then the affine latency itself.
   */
  public static Gen<LatencyProfile> affineProfiles() {
    Gen<Integer> curves = Gen.ints(1, 3);
    Gen<Double> fixed = Gen.logUniform(1e-3, 2e-2);
    Gen<Double> perItem = Gen.logUniform(5e-5, 2e-3);
    Gen<Integer> maxBatch = Gen.ints(1, 32);
    return (rng, size) -> {
      LatencyProfile.Builder b = LatencyProfile.builder("affine-" + rng.nextInt(1000)).source("generated");
      List<String> types = new ArrayList<>(GPU_TYPES);
      int n = curves.generate(rng, size);
      for (int c = 0; c < n; c++) {
        String type = types.remove(rng.nextInt(types.size()));
        int degree = 1 + rng.nextInt(2);
        double f = fixed.generate(rng, size);
        double k = perItem.generate(rng, size);
        int top = maxBatch.generate(rng, Gen.MAX_SIZE);
        for (int batch = 1; batch <= top; batch = batch < top && batch * 2 > top ? top : batch * 2) {
          double mean = f + k * batch;
          b.add(type, degree, Phase.BATCH, batch, mean, 1.2 * mean);
          if (batch == top) {
            break;
          }
        }
      }
      return b.build();
    };
  }
}

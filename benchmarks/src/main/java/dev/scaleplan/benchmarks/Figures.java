package dev.scaleplan.benchmarks;

import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.queueing.BatchQueue;
import dev.scaleplan.queueing.QueueMetrics;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.solvers.scaling.Cluster;
import dev.scaleplan.solvers.scaling.CostModel;
import dev.scaleplan.solvers.scaling.Deployment;
import dev.scaleplan.solvers.scaling.InstanceOption;
import dev.scaleplan.solvers.scaling.OptionCatalog;
import dev.scaleplan.solvers.scaling.ScalingPlan;
import dev.scaleplan.solvers.scaling.ScalingProblem;
import dev.scaleplan.solvers.scaling.TargetDp;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import dev.scaleplan.testkit.report.SvgLineChart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the README's figures. Run after {@code mvn -q package -pl benchmarks -am -DskipTests}:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.scaleplan.benchmarks.Figures docs/figures}.
 */
public final class Figures {
  private Figures() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "docs/figures");
    Files.createDirectories(dir);
    Path out = dir.resolve("resnet50-a100-p99-vs-rate.svg");
    Files.writeString(out, batchCapFigure());
    System.out.println("wrote " + out);
    Path cost = dir.resolve("resnet50-plan-cost-vs-rate.svg");
    Files.writeString(cost, planCostFigure());
    System.out.println("wrote " + cost);
    Path surge = dir.resolve("resnet50-surge-capacity.svg");
    Files.writeString(surge, surgeFigure());
    System.out.println("wrote " + surge);
    Path load = dir.resolve("load-ratio-vs-instances.svg");
    Files.writeString(load, loadFigure());
    System.out.println("wrote " + load);
  }

  /**
   * Multicast makespan over its lower bound against the number of new instances (Llama-2-70B-sized, 140 GB, TP 8,
   * one serving instance and the object store, 72-host topologies), for 16 MiB and 64 MiB chunks: each hop of a chain
   * adds one chunk's time, so the ratio grows with the chain and with the chunk.
   */
  static String loadFigure() {
    SvgLineChart chart = new SvgLineChart("Loading 140 GB at TP 8: multicast makespan / lower bound",
        "new instances", "makespan / lower bound");
    for (String topology : List.of("h100", "pcie")) {
      for (long chunk : new long[] {16L << 20, 64L << 20}) {
        int points = 64;
        double[] x = new double[points];
        double[] y = new double[points];
        for (int n = 1; n <= points; n++) {
          dev.scaleplan.solvers.loading.Topology t = dev.scaleplan.solvers.loading.Topology.example(topology, 72);
          List<dev.scaleplan.solvers.loading.LoadRequest.Instance> targets = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            targets.add(new dev.scaleplan.solvers.loading.LoadRequest.Instance(t.hosts().get(i).name(),
                new int[] {0, 1, 2, 3, 4, 5, 6, 7}));
          }
          var request = new dev.scaleplan.solvers.loading.LoadRequest(t,
              dev.scaleplan.solvers.loading.LoadRequest.uniformLayers(140_000_000_000L, 80), 8,
              List.of(new dev.scaleplan.solvers.loading.LoadRequest.Instance(t.hosts().get(0).name(),
                  new int[] {0, 1, 2, 3, 4, 5, 6, 7})), java.util.Set.of(), java.util.Set.of(), true, targets, chunk);
          x[n - 1] = n;
          y[n - 1] = dev.scaleplan.solvers.loading.LoadPlanner.plan(request).ratioToLowerBound();
        }
        chart.add(topology + ", " + (chunk >> 20) + " MiB chunks", x, y);
      }
    }
    return chart.reference(1.1, "10% above the bound").render();
  }

  /** The prices of {@code docs/examples/cluster.json} (illustrative, per GPU-hour). */
  static final Map<String, Double> PRICES = Map.of("A100-80GB", 3.40, "A40", 1.10, "T4", 0.35);
  static final Slo PLAN_SLO = Slo.of(99, 0.025);

  static OptionCatalog.Catalog planCatalog() {
    return OptionCatalog.build(ExampleProfiles.resnet50(), PLAN_SLO,
        OptionCatalog.Spec.defaults().withGpuTypes(PRICES.keySet()));
  }

  /**
   * Minimum cost (the DP's optimum, prices of the example cluster) against the rate, with every GPU type and with
   * each type alone: the mixed plan is never dearer than the best single type, and cheaper where rounding up one
   * type's instances wastes capacity.
   */
  static String planCostFigure() {
    OptionCatalog.Catalog catalog = planCatalog();
    SvgLineChart chart = new SvgLineChart("ResNet-50, p99 <= 25 ms: minimum cost vs rate",
        "arrival rate (requests/s)", "cost (price per hour)");
    int points = 100;
    Map<String, List<InstanceOption>> sets = new LinkedHashMap<>();
    sets.put("all types (DP)", catalog.options());
    for (String type : List.of("A100-80GB", "A40", "T4")) {
      sets.put(type + " only", catalog.options().stream().filter(o -> o.gpuType().equals(type)).toList());
    }
    sets.forEach((name, options) -> {
      double[] x = new double[points];
      double[] y = new double[points];
      for (int i = 0; i < points; i++) {
        x[i] = 200.0 * (i + 1);
        ScalingPlan plan = TargetDp.solve(ScalingProblem.of(options, x[i], PLAN_SLO)
            .withCosts(CostModel.prices(PRICES)));
        y[i] = plan.totalCost();
      }
      chart.add(name, x, y);
    });
    return chart.render();
  }

  /**
   * Capacity over time during a surge to 40,000 requests/s from the deployment of
   * {@code docs/examples/current.json} on {@code docs/examples/cluster.json} (2 s in place, 20 s to load): joint
   * (vertical first), horizontal only and vertical only.
   */
  static String surgeFigure() {
    OptionCatalog.Catalog catalog = planCatalog();
    Cluster cluster = Cluster.uniform("a100", "A100-80GB", 4, 8).plus(Cluster.uniform("a40", "A40", 4, 8))
        .plus(Cluster.uniform("t4", "T4", 8, 4));
    InstanceOption a1 = find(catalog, "A100-80GB", 1);
    InstanceOption a2 = find(catalog, "A100-80GB", 2);
    InstanceOption c4 = find(catalog, "A40", 4);
    Deployment now = new Deployment(cluster, List.of(new Deployment.Running("resnet-a", "a100-0", a1),
        new Deployment.Running("resnet-b", "a100-0", a2), new Deployment.Running("resnet-c", "a40-0", c4)));
    ScalingProblem problem = ScalingProblem.of(catalog.options(), 40_000, PLAN_SLO)
        .withCosts(CostModel.prices(PRICES));
    TransitionPlanner.Timing timing = new TransitionPlanner.Timing(2, 20, 300, 2);
    SvgLineChart chart = new SvgLineChart("Surge to 40,000 requests/s: capacity over time",
        "seconds after the surge", "capacity (requests/s)");
    for (TransitionPlanner.Strategy s : TransitionPlanner.Strategy.values()) {
      TransitionPlanner.Stage st = TransitionPlanner.plan(now, problem, timing, s, TargetDp::solve).surge();
      List<double[]> pts = new ArrayList<>();
      double cap = now.capacityPerSecond();
      pts.add(new double[] {0, cap});
      for (TransitionPlanner.Action a : st.actions()) {
        pts.add(new double[] {a.readySeconds(), cap});
        cap = a.capacityAfterPerSecond();
        pts.add(new double[] {a.readySeconds(), cap});
      }
      pts.add(new double[] {30, cap});
      chart.add(s.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
    }
    return chart.reference(40_000, "rate 40,000/s").render();
  }

  private static InstanceOption find(OptionCatalog.Catalog catalog, String type, int replicas) {
    return catalog.options().stream().filter(o -> o.gpuType().equals(type) && o.replicas() == replicas).findFirst()
        .orElseThrow();
  }

  /**
   * Response p99 against arrival rate for one A100 serving ResNet-50 (published Triton latencies), for three batch
   * caps under the work-conserving rule (numerical, the departure chain) and one cap under a 2 ms max queue delay
   * (simulated).
   */
  static String batchCapFigure() {
    SvgLineChart chart = new SvgLineChart("ResNet-50 on one A100: p99 response vs load",
        "arrival rate (requests/s)", "response p99 (ms)");
    int points = 96;
    double maxRate = 2850;
    for (int cap : new int[] {8, 32, 128}) {
      addSeries(chart, "B = " + cap, InstanceConfig.of(1, cap, BatchBenchmark.RESNET50_A100), points, maxRate);
    }
    addSeries(chart, "B = 32, T = 2 ms", InstanceConfig.of(1, 32, BatchBenchmark.RESNET50_A100)
        .withDispatch(DispatchRule.maxQueueDelay(0.002)), points, maxRate);
    return chart.reference(20, "SLO 20 ms").yLimit(60).render();
  }

  private static void addSeries(SvgLineChart chart, String name, InstanceConfig c, int points, double maxRate) {
    double[] x = new double[points];
    double[] y = new double[points];
    for (int i = 0; i < points; i++) {
      x[i] = maxRate * (i + 1) / points;
      QueueMetrics m = BatchQueue.of(x[i], c).metrics();
      y[i] = m.stable() ? 1000 * m.responseP99().value() : Double.POSITIVE_INFINITY;
    }
    chart.add(name, x, y);
  }
}

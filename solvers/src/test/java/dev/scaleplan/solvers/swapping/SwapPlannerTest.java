package dev.scaleplan.solvers.swapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.offload.PipelinedSwapIn;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SwapPlannerTest {
  /**
   * ResNet-50 on an A100, batch latency in seconds: NVIDIA DeepLearningExamples, ResNet-50 v1.5 Triton offline
   * inference table (ms: 1: 2.128, 2: 2.194, 4: 2.759, 8: 3.895, 16: 5.793, 32: 11.193, 64: 25.244, 128: 48.086).
   */
  static final BatchLatency.Tabulated RESNET50 = BatchLatency.tabulated(new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});
  /** ResNet-50 FP32 weights as Clockwork loads them: 102.3 MB in 8.372 ms. */
  static final long RESNET50_BYTES = 102_300_000L;
  /** Clockwork's measured host-to-GPU rate, 102.3 MB / 8.372 ms, about 12.2 GB/s (PCIe 3 class). */
  static final double PCIE_BYTES_PER_SECOND = 102.3e6 / 8.372e-3;
  static final long A100_40GB = 40L * 1024 * 1024 * 1024;
  /**
   * One-sided z for the order-statistic bound of a simulated percentile: 3.29 is 99.95% per model, so across the
   * ~1,000 model checks of this class a false alarm is unlikely (Bonferroni: under 1 expected at 0.05% each... at
   * most about 0.5 in all).
   */
  static final double Z = 3.29;

  @Test
  void pipelinedSwapInEqualsTheHandComputedValue() {
    // 4 layers of 10 MB over 10 GB/s: 1 ms per transfer; l(1) = 8 ms, so 2 ms of compute per layer.
    // arrived: 1, 2, 3, 4 ms; finish: max(1, 0) + 2 = 3, max(2, 3) + 2 = 5, max(3, 5) + 2 = 7, max(4, 7) + 2 = 9 ms.
    // Sequential: 4 ms of transfers + 8 ms of compute = 12 ms.
    // With interference 1.5 the compute is 3 ms per layer: 1 + 3 = 4, 7, 10, 13 ms.
    SwapNode node = SwapNode.of(1, 1_000_000_000L, 10e9, 1.5);
    SwapModel m = SwapModel.of("m", BatchLatency.affine(0.008, 0), 40_000_000L, 4, 1, Slo.of(99, 1));
    PipelinedSwapIn.Result r = m.swapIn(node, 1);
    assertEquals(0.009, r.pipelinedSeconds(), 1e-15);
    assertEquals(0.012, r.sequentialSeconds(), 1e-15);
    assertEquals(0.013, m.swapIn(node, 1.5).pipelinedSeconds(), 1e-15);
    assertEquals(0.009, NodeSimulator.pipelined(m.layerBytes(), 10e9, 0.008), 1e-15);
    // Uneven layers, 30 MB then 10 MB (3 ms, 1 ms), 4 ms compute each: finish 3 + 4 = 7, max(4, 7) + 4 = 11 ms.
    SwapModel uneven = SwapModel.withLayerBytes("u", BatchLatency.affine(0.008, 0),
        new long[] {30_000_000L, 10_000_000L}, 1, Slo.of(99, 1));
    assertEquals(0.011, uneven.swapIn(node, 1).pipelinedSeconds(), 1e-15);
  }

  @Test
  void equalLayersSplitTheRemainder() {
    SwapModel m = SwapModel.of("m", RESNET50, 10, 3, 1, Slo.of(99, 0.1));
    assertEquals(List.of(4L, 3L, 3L), java.util.Arrays.stream(m.layerBytes()).boxed().toList());
    assertEquals(10, m.parameterBytes());
  }

  @Test
  void everythingResidentWhenMemoryAllows() {
    SwapNode node = SwapNode.of(2, A100_40GB, PCIE_BYTES_PER_SECOND, 1.2);
    List<SwapModel> models = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      models.add(SwapModel.of("r" + i, RESNET50, RESNET50_BYTES, 50, 5, Slo.of(99, 0.05)));
    }
    SwapPlan plan = SwapPlanner.plan(node, models);
    assertEquals(SwapPlan.Status.PLANNED, plan.status());
    assertEquals(20, plan.count(ModelPlan.Mode.RESIDENT));
    assertEquals(20, plan.meetingSlo());
    assertEquals(1.0, plan.gpus().get(0).computeFactor());
    // Ten models each, 50 req/s x 2.128 ms.
    assertEquals(0.1064, plan.gpus().get(0).utilization(), 1e-12);
  }

  @Test
  void resnet50SwappingOnASmallGpuMatchesTheSimulator() {
    // 2 GPUs of 1 GB: 8 ResNet-50s resident per GPU at most with a swap buffer; 60 models, Zipf rates, 200 req/s.
    SwapNode node = SwapNode.of(2, 1_000_000_000L, PCIE_BYTES_PER_SECOND, 1.2);
    List<SwapModel> models = zipfModels(60, 200, 1.0, i -> RESNET50, i -> RESNET50_BYTES, Slo.of(99, 0.05));
    SwapPlan plan = SwapPlanner.plan(node, models);
    assertTrue(plan.count(ModelPlan.Mode.SWAPPED) > 30, plan.toString());
    assertTrue(plan.meetingSlo() > 0, plan.toString());
    ModelPlan swapped = plan.models().stream().filter(m -> m.mode() == ModelPlan.Mode.SWAPPED).findFirst()
        .orElseThrow();
    // On a shared GPU: 50 transfers of 2.046 MB (0.1674 ms each at 12.22 GB/s) and compute of 1.2 x 2.128 / 50 ms:
    // the link is the bottleneck, so 8.372 ms + one layer's compute (0.0511 ms) = 8.423 ms.
    assertEquals(8.372e-3 + 1.2 * 2.128e-3 / 50, swapped.swapInSeconds(), 1e-9);
    checkAgainstSimulator(node, models, plan, 300, 11);
  }

  @Test
  void longRunsAgreeWithTheSimulatorWithinAFewPercentOnTheSafeSide() {
    // One 1 GB GPU, 20 ResNet-50s at Zipf rates: 8 resident, 12 swapped. Long runs (over 10,000 samples per model)
    // pin the simulated p99 to about 3%; the M/G/1 tail approximations must land within 15% of it and not below
    // it by more than the sampling error (seen: simulated/predicted 0.87-0.93 at 19% load, 0.94-0.97 at 58%).
    SwapNode node = SwapNode.of(1, 1_000_000_000L, PCIE_BYTES_PER_SECOND, 1.2);
    for (double total : new double[] {50, 150}) {
      List<SwapModel> models = zipfModels(20, total, 1.0, i -> RESNET50, i -> RESNET50_BYTES, Slo.of(99, 0.5));
      SwapPlan plan = SwapPlanner.plan(node, models);
      assertEquals(8, plan.count(ModelPlan.Mode.RESIDENT), plan.toString());
      assertEquals(12, plan.count(ModelPlan.Mode.SWAPPED), plan.toString());
      double[][] sim = NodeSimulator.run(node, models, plan, 30_000 / total * 100, 3);
      double low = Double.POSITIVE_INFINITY;
      double high = 0;
      for (int i = 0; i < models.size(); i++) {
        ModelPlan p = plan.models().get(i);
        assertTrue(sim[i].length > 10_000, p.name() + ": " + sim[i].length + " samples");
        double ratio = NodeSimulator.quantile(sim[i], 0.99) / p.predictedSeconds();
        assertTrue(ratio > 0.85 && ratio < 1.03, p.name() + " (" + p.mode() + ") at " + total
            + " req/s: simulated/predicted p99 " + ratio);
        low = Math.min(low, ratio);
        high = Math.max(high, ratio);
      }
      System.out.printf("long run at %.0f req/s: simulated/predicted p99 from %.3f to %.3f%n", total, low, high);
    }
  }

  @Test
  void theImprovementStepServesMoreOnCrowdedNodes() {
    // Step 5 keeps a rebuild only when no fewer models meet, so it can never lose; on the crowded random scenarios
    // below it must also win somewhere (seen: 27 -> 29 of 31 models and 15 -> 18 of 45), and what it returns must
    // still agree with the simulator (randomScenariosMatchTheSimulator runs the same scenarios through plan()).
    int before = 0;
    int after = 0;
    for (long seed = 1; seed <= 4; seed++) {
      Scenario s = randomScenario(seed);
      int base = SwapPlanner.plan(s.node(), s.models(), 0).meetingSlo();
      int improved = SwapPlanner.plan(s.node(), s.models()).meetingSlo();
      assertTrue(improved >= base, "seed " + seed + ": " + improved + " < " + base);
      before += base;
      after += improved;
    }
    assertTrue(after > before, after + " models meet with step 5, " + before + " without");
  }

  @Test
  void randomScenariosMatchTheSimulator() {
    for (long seed = 1; seed <= 4; seed++) {
      Scenario s = randomScenario(seed);
      checkAgainstSimulator(s.node(), s.models(), SwapPlanner.plan(s.node(), s.models()), 200, 100 + seed);
    }
  }

  record Scenario(SwapNode node, List<SwapModel> models) {}

  /** One to three GPUs of 1.5 to 3 GB, 20 to 59 models of 0.5x to 4.5x ResNet-50, Zipf rates. */
  static Scenario randomScenario(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int gpus = 1 + r.nextInt(3);
    double interference = 1 + 0.5 * r.nextDouble();
    SwapNode node = SwapNode.of(gpus, 1_500_000_000L + r.nextLong(1_500_000_000L), 8e9 + 16e9 * r.nextDouble(),
        interference);
    int n = 20 + r.nextInt(40);
    long[] sizes = new long[n];
    double[] scale = new double[n];
    for (int i = 0; i < n; i++) {
      scale[i] = 0.5 + 4 * r.nextDouble();
      sizes[i] = (long) (RESNET50_BYTES * scale[i]);
    }
    Slo slo = Slo.of(r.nextBoolean() ? 99 : 95, 0.04 + 0.1 * r.nextDouble());
    List<SwapModel> models = zipfModels(n, 40 + 120 * r.nextDouble() * gpus, 0.8 + 0.4 * r.nextDouble(),
        i -> scaled(scale[i]), i -> sizes[i], slo);
    return new Scenario(node, models);
  }

  @Test
  void hundredsOfModelsOnAFourGpuA100Node() {
    // 600 models, ResNet-50 scaled 1x, 2x, 4x or 8x in bytes and latency (102 MB to 818 MB; synthetic, not
    // published profiles), about 237 GB in all against 160 GB of GPU memory; Zipf(1) rates summing to 100 req/s;
    // p99 <= 100 ms; interference 1.2; Clockwork's PCIe rate (A100 on PCIe 4 would be about twice as fast).
    SwapNode node = SwapNode.of(4, A100_40GB, PCIE_BYTES_PER_SECOND, 1.2);
    SplittableRandom r = new SplittableRandom(7);
    int n = 600;
    double[] scale = new double[n];
    for (int i = 0; i < n; i++) {
      scale[i] = 1 << r.nextInt(4);
    }
    List<SwapModel> models = zipfModels(n, 100, 1.0, i -> scaled(scale[i]),
        i -> (long) (RESNET50_BYTES * scale[i]), Slo.of(99, 0.1));
    long total = models.stream().mapToLong(SwapModel::parameterBytes).sum();
    assertTrue(total > 4 * A100_40GB, "total " + total);
    SwapPlan swapping = SwapPlanner.plan(node, models);
    SwapPlan residentOnly = SwapPlanner.residentOnly(node, models);
    System.out.printf("4 x A100-40GB, %d models (%.1f GB), p99 <= 100 ms: swapping %d meet (%d resident, %d "
            + "swapped), resident-only %d meet (%d unserved); GPU utilisation with swapping %s%n", n, total / 1e9,
        swapping.meetingSlo(), swapping.count(ModelPlan.Mode.RESIDENT), swapping.count(ModelPlan.Mode.SWAPPED),
        residentOnly.meetingSlo(), residentOnly.count(ModelPlan.Mode.UNSERVED),
        java.util.Arrays.toString(swapping.utilizations()));
    assertEquals(SwapPlan.Status.PARTIAL, residentOnly.status());
    assertTrue(swapping.meetingSlo() > residentOnly.meetingSlo());
    assertTrue(swapping.meetingSlo() >= 0.9 * n, swapping.toString());
    checkAgainstSimulator(node, models, swapping, 120, 5);
  }

  @Test
  void aModelLargerThanAGpuIsAResultNotAnException() {
    SwapNode node = SwapNode.of(1, 1_000_000_000L, PCIE_BYTES_PER_SECOND, 1);
    List<SwapModel> models = List.of(
        SwapModel.of("small", RESNET50, RESNET50_BYTES, 50, 10, Slo.of(99, 0.05)),
        SwapModel.of("huge", RESNET50, 2_000_000_000L, 50, 1, Slo.of(99, 0.05)));
    SwapPlan plan = SwapPlanner.plan(node, models);
    assertEquals(SwapPlan.Status.PARTIAL, plan.status());
    assertTrue(plan.reason().contains("huge"), plan.reason());
    assertEquals(ModelPlan.Mode.UNSERVED, plan.model("huge").mode());
    assertFalse(plan.model("huge").meetsSlo());
    assertTrue(plan.model("small").meetsSlo());
  }

  @Test
  void anOverloadedNodeIsInfeasible() {
    SwapNode node = SwapNode.of(1, A100_40GB, PCIE_BYTES_PER_SECOND, 1);
    List<SwapModel> models = List.of(
        SwapModel.of("a", RESNET50, RESNET50_BYTES, 50, 300, Slo.of(99, 0.05)),
        SwapModel.of("b", RESNET50, RESNET50_BYTES, 50, 300, Slo.of(99, 0.05)));
    SwapPlan plan = SwapPlanner.plan(node, models);
    assertEquals(SwapPlan.Status.INFEASIBLE, plan.status());
    assertTrue(plan.reason().contains("overloaded"), plan.reason());
    assertEquals(0, plan.meetingSlo());
    assertEquals(SwapPlan.Status.INFEASIBLE, SwapPlanner.residentOnly(node, models).status());
  }

  @Test
  void aModelHotterThanOneGpuIsNotAdmitted() {
    // 600 req/s x 2.128 ms = 1.28 GPUs: the node (2 GPUs) has the time, but a model runs on one GPU only.
    SwapNode node = SwapNode.of(2, A100_40GB, PCIE_BYTES_PER_SECOND, 1);
    List<SwapModel> models = List.of(
        SwapModel.of("hot", RESNET50, RESNET50_BYTES, 50, 600, Slo.of(99, 0.05)),
        SwapModel.of("cold", RESNET50, RESNET50_BYTES, 50, 10, Slo.of(99, 0.05)));
    SwapPlan plan = SwapPlanner.plan(node, models);
    assertEquals(SwapPlan.Status.PARTIAL, plan.status());
    ModelPlan hot = plan.model("hot");
    assertEquals(ModelPlan.Mode.UNSERVED, hot.mode());
    assertEquals(Double.POSITIVE_INFINITY, hot.predictedSeconds());
    assertTrue(hot.note().contains("Not admitted"), hot.note());
    assertTrue(plan.model("cold").meetsSlo());
  }

  @Test
  void aModelThatMissesAloneIsStillServedWhenItHurtsNobody() {
    // SLO 1 ms below l(1) = 2.128 ms: it misses anyway, but serving it breaks no other model's SLO.
    SwapNode node = SwapNode.of(1, A100_40GB, PCIE_BYTES_PER_SECOND, 1);
    List<SwapModel> models = List.of(
        SwapModel.of("strict", RESNET50, RESNET50_BYTES, 50, 1, Slo.of(99, 0.001)),
        SwapModel.of("easy", RESNET50, RESNET50_BYTES, 50, 10, Slo.of(99, 0.05)));
    SwapPlan plan = SwapPlanner.plan(node, models);
    assertEquals(ModelPlan.Mode.RESIDENT, plan.model("strict").mode());
    assertFalse(plan.model("strict").meetsSlo());
    assertTrue(plan.model("strict").note().contains("exceeds the target"), plan.model("strict").note());
    assertTrue(plan.model("easy").meetsSlo());
  }

  @Test
  void badInputsNameTheValue() {
    Slo slo = Slo.of(99, 0.1);
    assertMessage("arrival rate", () -> SwapModel.of("m", RESNET50, 10, 1, Double.NaN, slo));
    assertMessage("arrival rate", () -> SwapModel.of("m", RESNET50, 10, 1, -1, slo));
    assertMessage("parameter bytes", () -> SwapModel.of("m", RESNET50, -5, 1, 1, slo));
    assertMessage("number of layers", () -> SwapModel.of("m", RESNET50, 10, 0, 1, slo));
    assertMessage("layer 1", () -> SwapModel.withLayerBytes("m", RESNET50, new long[] {5, -1}, 1, slo));
    assertMessage("at least one layer", () -> SwapModel.withLayerBytes("m", RESNET50, new long[0], 1, slo));
    assertMessage("name", () -> SwapModel.of(" ", RESNET50, 10, 1, 1, slo));
    assertMessage("number of GPUs", () -> SwapNode.of(0, 10, 1e9, 1));
    assertMessage("GPU memory", () -> SwapNode.of(1, 0, 1e9, 1));
    assertMessage("bandwidth", () -> SwapNode.of(1, 10, Double.NaN, 1));
    assertMessage("bandwidth", () -> SwapNode.of(1, 10, Double.POSITIVE_INFINITY, 1));
    assertMessage("interference factor", () -> SwapNode.of(1, 10, 1e9, 0.9));
    assertMessage("interference factor", () -> SwapNode.of(1, 10, 1e9, Double.NaN));
    SwapNode node = SwapNode.of(1, 1000, 1e9, 1);
    assertMessage("models", () -> SwapPlanner.plan(node, List.of()));
    assertMessage("models", () -> SwapPlanner.plan(node, null));
    SwapModel m = SwapModel.of("m", RESNET50, 10, 1, 1, slo);
    assertMessage("'m' appears more than once", () -> SwapPlanner.plan(node, List.of(m, m)));
    assertMessage("compute factor", () -> m.swapIn(node, 0.5));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  /** ResNet-50's profile with every latency multiplied by {@code k} (a synthetic larger model). */
  static BatchLatency scaled(double k) {
    int[] b = RESNET50.batchSizes();
    double[] s = RESNET50.seconds();
    for (int i = 0; i < s.length; i++) {
      s[i] *= k;
    }
    return BatchLatency.tabulated(b, s);
  }

  /** {@code n} models of 50 equal layers with Zipf({@code exponent}) rates summing to {@code totalRate}. */
  static List<SwapModel> zipfModels(int n, double totalRate, double exponent,
      java.util.function.IntFunction<BatchLatency> latency, java.util.function.IntToLongFunction bytes, Slo slo) {
    double norm = 0;
    for (int i = 1; i <= n; i++) {
      norm += Math.pow(i, -exponent);
    }
    List<SwapModel> models = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double rate = totalRate * Math.pow(i + 1, -exponent) / norm;
      models.add(SwapModel.of("m" + i, latency.apply(i), bytes.applyAsLong(i), 50, rate, slo));
    }
    return models;
  }

  /**
   * For every model the plan says meets its SLO, the simulated percentile's lower confidence bound (see
   * {@link NodeSimulator#quantileLowerBound}) must be within the target: the check fails only when the simulator shows
   * with high confidence that the prediction was wrong. The bound treats responses as independent; in a queue they
   * are positively correlated, so the true interval is wider and the check is, if anything, stricter than its nominal
   * level.
   */
  static void checkAgainstSimulator(SwapNode node, List<SwapModel> models, SwapPlan plan, double horizon, long seed) {
    double[][] sim = NodeSimulator.run(node, models, plan, horizon, seed);
    int checked = 0;
    double worst = 0;
    StringBuilder failures = new StringBuilder();
    for (int i = 0; i < models.size(); i++) {
      ModelPlan p = plan.models().get(i);
      if (!p.meetsSlo() || sim[i].length == 0) {
        continue;
      }
      double q = p.slo().quantile();
      double bound = NodeSimulator.quantileLowerBound(sim[i], q, Z);
      double empirical = NodeSimulator.quantile(sim[i], q);
      worst = Math.max(worst, empirical / p.predictedSeconds());
      checked++;
      if (bound > p.slo().targetSeconds()) {
        failures.append(String.format("%s (%s, GPU %d, %d samples): predicted %.4f s, simulated %.4f s "
                + "(lower bound %.4f) > target %.4f%n", p.name(), p.mode(), p.gpu(), sim[i].length,
            p.predictedSeconds(), empirical, bound, p.slo().targetSeconds()));
      }
    }
    System.out.printf("seed %d: %s; %d checked, worst simulated/predicted %.3f%n", seed, plan, checked, worst);
    assertTrue(failures.isEmpty(), failures.toString());
  }
}

package dev.scaleplan.solvers.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransitionPlannerTest {
  private static final Slo SLO = Slo.of(99, 0.05);
  private static final BatchLatency LATENCY = BatchLatency.affine(0.002, 0.0005);
  // One family (A100, tp1, B8) at 1, 2 and 4 replicas: pooling makes larger instances slightly better per GPU.
  private static final InstanceOption X1 = family(1, 100);
  private static final InstanceOption X2 = family(2, 210);
  private static final InstanceOption X4 = family(4, 430);
  private static final List<InstanceOption> CATALOG = List.of(X1, X2, X4);
  private static final Cluster CLUSTER = Cluster.uniform("h", "A100", 2, 4);
  private static final TransitionPlanner.Timing TIMING = new TransitionPlanner.Timing(2, 20, 300, 1);

  private static InstanceOption family(int replicas, double capacity) {
    return new InstanceOption("A100", 1, InstanceConfig.of(replicas, 8, LATENCY), capacity, Method.NUMERICAL);
  }

  @Test
  void verticalGrowthAbsorbsASurgeInPlace() {
    // By hand: 100 req/s runs, 400 arrive; the deficit 300 needs the x4 (gain 330 with the host's 3 free GPUs),
    // ready at 2 s. Requests above capacity: (400 - 100) x 2 s = 600. Target at 400: 4 GPUs, the x4 (430, the most
    // capacity at 4 GPUs), which is what runs after the surge: no consolidation.
    Deployment now = new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X1)));
    var t = TransitionPlanner.plan(now, ScalingProblem.of(CATALOG, 400, SLO), TIMING);
    assertEquals(1, t.surge().actions().size());
    var grow = t.surge().actions().get(0);
    assertEquals(TransitionPlanner.Kind.GROW, grow.kind());
    assertEquals(X4, grow.to().orElseThrow());
    assertEquals(2, grow.readySeconds(), 0);
    assertEquals(430, grow.capacityAfterPerSecond(), 1e-9);
    assertEquals(2, t.surge().coveredAtSeconds(), 0);
    assertEquals(600, t.surge().excessRequests(), 1e-9);
    assertTrue(t.covers());
    assertEquals(4, t.target().totalGpus());
    assertTrue(t.consolidation().isEmpty());
  }

  @Test
  void horizontalStepsCoverWhatTheHostCannot() {
    // By hand: 700 arrive; vertical gives at most 330 (x1 -> x4 on h-0). The rest, 270, is the cheapest cover on
    // h-1's 4 free GPUs: 3 GPUs (x2 + x1 = 310, the most capacity at 3 GPUs), ready at 20 s.
    // Excess: (700 - 100) x 2 + (700 - 430) x 18 = 1,200 + 4,860 = 6,060 requests.
    Deployment now = new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X1)));
    var t = TransitionPlanner.plan(now, ScalingProblem.of(CATALOG, 700, SLO), TIMING);
    var s = t.surge();
    assertEquals(3, s.actions().size());
    assertEquals(TransitionPlanner.Kind.GROW, s.actions().get(0).kind());
    assertEquals(20, s.coveredAtSeconds(), 0);
    assertEquals(6060, s.excessRequests(), 1e-9);
    assertEquals(740, s.actions().get(2).capacityAfterPerSecond(), 1e-9);
    assertTrue(s.result().instances().stream().skip(1).allMatch(r -> r.host().equals("h-1")));
    assertEquals(0, s.shortfallPerSecond(), 0);
  }

  @Test
  void singleDimensionBaselinesDoWorse() {
    // Same surge as above (100 -> 700 req/s). Horizontal only: nothing until the new instances load at 20 s, so
    // (700 - 100) x 20 = 12,000 requests above capacity, twice the joint plan's 6,060. Vertical only: the x4 on h-0
    // (430) is all it can reach, 270 short, never covered.
    Deployment now = new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X1)));
    ScalingProblem p = ScalingProblem.of(CATALOG, 700, SLO);
    var horizontal = TransitionPlanner.plan(now, p, TIMING, TransitionPlanner.Strategy.HORIZONTAL_ONLY,
        TargetDp::solve).surge();
    assertTrue(horizontal.actions().stream().allMatch(a -> a.kind() == TransitionPlanner.Kind.ADD));
    assertEquals(20, horizontal.coveredAtSeconds(), 0);
    assertEquals(12_000, horizontal.excessRequests(), 1e-9);
    var vertical = TransitionPlanner.plan(now, p, TIMING, TransitionPlanner.Strategy.VERTICAL_ONLY,
        TargetDp::solve).surge();
    assertEquals(1, vertical.actions().size());
    assertEquals(270, vertical.shortfallPerSecond(), 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, vertical.coveredAtSeconds());
  }

  @Test
  void whenNewInstancesLoadFasterTheyComeFirst() {
    // By hand: in place takes 5 s, a new instance 1 s. The deficit 600 is covered by new instances alone: the most
    // capacity at the fewest GPUs (6) is x4 + x2 = 640, placed best-fit (x4 on h-1's 4 free GPUs, x2 on h-0's 3).
    // Covered at 1 s; requests above capacity (700 - 100) x 1 = 600; nothing grows.
    Deployment now = new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X1)));
    var t = TransitionPlanner.plan(now, ScalingProblem.of(CATALOG, 700, SLO),
        new TransitionPlanner.Timing(5, 1, 300, 1));
    var s = t.surge();
    assertTrue(s.actions().stream().allMatch(a -> a.kind() == TransitionPlanner.Kind.ADD), s.actions().toString());
    assertEquals(1, s.coveredAtSeconds(), 0);
    assertEquals(600, s.excessRequests(), 1e-9);
    assertEquals(740, s.result().capacityPerSecond(), 1e-9);
  }

  @Test
  void aRampFromLiveOffloadServesPartOfTheNewCapacityWhileItLoads() {
    // The horizontal-only surge above (100 -> 700 req/s, 640 req/s added at 20 s), now with half the new capacity
    // serving from 10 s on: (700 - 100) x 10 + (700 - 420) x 10 = 8,800 requests above capacity, not 12,000.
    Deployment now = new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X1)));
    var ramp = new TransitionPlanner.Ramp(new double[] {10}, new double[] {0.5});
    var s = TransitionPlanner.plan(now, ScalingProblem.of(CATALOG, 700, SLO), TIMING.withHorizontalRamp(ramp),
        TransitionPlanner.Strategy.HORIZONTAL_ONLY, TargetDp::solve).surge();
    assertEquals(8_800, s.excessRequests(), 1e-9);
    assertEquals(20, s.coveredAtSeconds(), 0); // 420 < 700 until the load completes
  }

  @Test
  void aClusterTooSmallReportsTheShortfall() {
    // By hand: the whole cluster filled with x4 gives 860 < 1,000; shortfall 140 after every action.
    Deployment now = new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X1)));
    var t = TransitionPlanner.plan(now, ScalingProblem.of(CATALOG, 1000, SLO), TIMING);
    assertFalse(t.covers());
    assertEquals(140, t.surge().shortfallPerSecond(), 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, t.surge().coveredAtSeconds());
  }

  @Test
  void scaleInWaitsForTheWindowAndMakesBeforeBreaking() {
    // By hand: four x1 (400 req/s) serve a rate that fell to 150. Target: one x2 (2 GPUs, 210). It is added at the
    // 300 s window, ready at 320 s; only then are the four x1 removed, so capacity never falls below the rate.
    Deployment now = new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X1),
        new Deployment.Running("b", "h-0", X1), new Deployment.Running("c", "h-1", X1),
        new Deployment.Running("d", "h-1", X1)));
    var t = TransitionPlanner.plan(now, ScalingProblem.of(CATALOG, 150, SLO), TIMING);
    assertTrue(t.surge().actions().isEmpty());
    var c = t.consolidation().orElseThrow();
    assertEquals(5, c.actions().size());
    var add = c.actions().get(0);
    assertEquals(TransitionPlanner.Kind.ADD, add.kind());
    assertEquals(300, add.startSeconds(), 0);
    assertEquals(320, add.readySeconds(), 0);
    for (var a : c.actions()) {
      assertTrue(a.capacityAfterPerSecond() >= 150, a.toString());
    }
    assertEquals(210, c.result().capacityPerSecond(), 1e-9);
    assertEquals(0, c.excessRequests(), 0);
  }

  @Test
  void minimumInstanceCountLimitsScaleIn() {
    // With at least three instances the target is three x1 (3 GPUs, 300): keep three, remove one at the window.
    Deployment now = new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X1),
        new Deployment.Running("b", "h-0", X1), new Deployment.Running("c", "h-1", X1),
        new Deployment.Running("d", "h-1", X1)));
    var t = TransitionPlanner.plan(now, ScalingProblem.of(CATALOG, 150, SLO),
        new TransitionPlanner.Timing(2, 20, 300, 3));
    var c = t.consolidation().orElseThrow();
    assertEquals(1, c.actions().size());
    assertEquals(TransitionPlanner.Kind.REMOVE, c.actions().get(0).kind());
    assertEquals(300, c.actions().get(0).readySeconds(), 0);
    assertEquals(3, c.result().instances().size());
  }

  @Test
  void badDeploymentsAreRejectedWithTheirReason() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Deployment(CLUSTER, List.of(new Deployment.Running("a", "h-0", X4),
            new Deployment.Running("b", "h-0", X1))));
    assertTrue(e.getMessage().contains("only 4"), e.getMessage());
    assertFalse(TransitionPlanner.plan(new Deployment(CLUSTER, List.of()), ScalingProblem.of(CATALOG, -5, SLO),
        TIMING).notes().isEmpty());
  }
}

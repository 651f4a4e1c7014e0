package dev.scaleplan.solvers.control;

import static dev.scaleplan.solvers.control.AutoscalerTest.ONE_KIND;
import static dev.scaleplan.solvers.control.AutoscalerTest.SIZES;
import static dev.scaleplan.solvers.control.AutoscalerTest.SLO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.ScalingAction;
import dev.scaleplan.api.ScalingAction.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Review tests of the controller's bookkeeping, failure handling, signals and messages. */
class AutoscalerReviewTest {

  /** Two sizes (x1, x2): quicker to build than three, for the randomised runs. */
  private static final List<InstanceSpec> TWO_SIZES = SIZES.subList(0, 2);

  /** A plugged policy that answers {@code counts.apply(call)} at its call number (0 first). */
  private static AutoscalingPolicy script(IntFunction<int[]> counts) {
    return new AutoscalingPolicy() {
      private int call;

      @Override
      public String name() {
        return "script";
      }

      @Override
      public int[] decide(Observation o) {
        return counts.apply(call++);
      }
    };
  }

  /** A plugged policy that answers the rows in turn, then the last one. */
  private static AutoscalingPolicy script(int[]... rows) {
    return script(i -> rows[Math.min(i, rows.length - 1)].clone());
  }

  /** A forecaster that records what it is fed and forecasts nothing. */
  private static final class Recording implements Forecaster {
    final List<Double> fed = new ArrayList<>();

    @Override
    public synchronized void observe(double y) {
      fed.add(y);
    }

    @Override
    public double forecast(int h) {
      return 0;
    }

    @Override
    public boolean ready() {
      return true;
    }
  }

  private static Decision at(Autoscaler a, FakeCluster c, ScriptedExecutor ex, double t, long arrivals) {
    c.now = t;
    return a.step(c.observe(1, arrivals), ex);
  }

  private static int[] plus(int[] x, int[] y) {
    int[] s = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      s[i] = x[i] + y[i];
    }
    return s;
  }

  private static List<Type> types(Decision d) {
    return d.actions().stream().map(ScalingAction::type).toList();
  }

  private static Observation obs(double now, double period, long arrivals, long queued, int[] ready, int[] loading,
      List<InstanceSpec> catalog) {
    return new Observation(now, period, arrivals, arrivals, 0, -1, -1, queued, 0, ready, loading, catalog, 0.1);
  }

  // --- Refused and reported actions -----------------------------------------------------------------------------

  @Test
  void aRefusedDrainOfLoadingInstancesKeepsThemCounted() {
    // The policy wants 5, then 1, then 5 again. 1 ready: start 4; then drain 4, which takes the 4 loading ones; the
    // executor refuses the drain, so by hand 1 serves and 4 still load: the target stays [5], the 4 stay outstanding,
    // and when the policy wants 5 again nothing is to be done (asking again would run 9).
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).policy(script(new int[] {5}, new int[] {1}, new int[] {5}))
        .build();
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ex.refuse = x -> x.type() == Type.STOP;
    assertEquals(List.of(Type.START), types(at(a, c, ex, 1, 10)));
    Decision refused = at(a, c, ex, 2, 10);
    assertEquals(1, refused.failures().size());
    assertEquals(Type.STOP, refused.failures().get(0).action().type());
    assertArrayEquals(new int[] {5}, refused.target());
    assertArrayEquals(new int[] {4}, a.outstanding());
    Decision again = at(a, c, ex, 3, 10);
    assertTrue(again.idle(), again.actions().toString());
    assertArrayEquals(new int[] {4}, c.loading());
  }

  @Test
  void aRefusedDrainAfterAResizeOfTheSameKindReportsNoLoss() {
    // Plugged policy on three sizes: [5, 0, 0] from 3 ready x1 starts 2 x1. Then [0, 1, 0]: resize 1 x1 -> x2, and
    // drain the 4 other x1 (the 2 loading first, then 2 serving); the drain is refused, the resize done. By hand: 2 x1
    // serve, 2 x1 load, 1 x2 serves. Nothing was lost, and with the policy at [4, 1, 0] nothing is to be done.
    Autoscaler a = Autoscaler.builder(SIZES, SLO)
        .policy(script(new int[] {5, 0, 0}, new int[] {0, 1, 0}, new int[] {4, 1, 0})).build();
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {3, 0, 0});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ex.refuse = x -> x.type() == Type.STOP;
    at(a, c, ex, 1, 10);
    Decision second = at(a, c, ex, 2, 10);
    assertEquals(List.of(Type.RESIZE), types(second));
    assertEquals(Type.STOP, second.failures().get(0).action().type());
    assertEquals(4, second.failures().get(0).action().count());
    assertArrayEquals(new int[] {4, 1, 0}, second.target());
    assertArrayEquals(new int[] {2, 1, 0}, a.outstanding());
    Decision third = at(a, c, ex, 3, 10);
    assertFalse(third.reasons().contains("lost"), third.reasons());
    assertTrue(third.idle(), third.actions().toString());
    assertArrayEquals(new int[] {2, 0, 0}, a.outstanding());
  }

  @Test
  void aStartWhoseLoadingInstancesWereAllDrainedIsNoLongerPending() {
    // Start 4, then drain 4: the drain takes the 4 loading ones, so nothing of the start is pending. report's
    // contract: false when the action is already done; and a failure nobody had must not be listed nor counted
    // against the kind (the next start is a first attempt).
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO)
        .policy(script(new int[] {5}, new int[] {1}, new int[] {3})).build();
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ScalingAction start = at(a, c, ex, 1, 10).actions().get(0);
    assertEquals(List.of(Type.STOP), types(at(a, c, ex, 2, 10)));
    assertArrayEquals(new int[] {0}, c.loading());
    assertFalse(a.report(start.id(), "pods deleted"));
    Decision next = at(a, c, ex, 3, 10);
    assertTrue(next.failures().isEmpty(), next.failures().toString());
    assertEquals(1, next.actions().get(0).attempt());
  }

  @Test
  void aResizeReportedFailedBeforeTheNextDecisionLeavesTheLoadingStartsCounted() {
    // Ours on three sizes, 2 x1 serving, demand 3.5 capacities: grow both in place and start 2 x1. The executor
    // accepts the resize but it fails (reported before the next decision): the 2 x1 still serve as x1 and the 2 new
    // x1 still load. By hand the controller has 4 (2 + 2 loading) for a target of ceil(3.5) = 4: nothing to ask for.
    Autoscaler a = Autoscaler.builder(SIZES, SLO).forecasting(false).build();
    long arrivals = Math.round(3.5 * a.capacities()[0]);
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {2, 0, 0});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ex.ignore = x -> x.type() == Type.RESIZE;
    Decision first = at(a, c, ex, 1, arrivals);
    assertEquals(List.of(Type.RESIZE, Type.START), types(first));
    assertEquals(0, first.actions().get(1).toKind());
    assertEquals(2, first.actions().get(1).count());
    assertTrue(a.report(first.actions().get(0).id(), "resize infeasible: node has no free GPU"));
    Decision second = at(a, c, ex, 2, arrivals);
    assertArrayEquals(new int[] {2, 0, 0}, a.outstanding());
    assertTrue(second.idle(), second.actions().toString());
    assertEquals(Type.RESIZE, second.failures().get(0).action().type());
  }

  @Test
  void aStartReportedFailedWhileTheExecutorRefusesItCountsOneFailure() {
    // An executor that learns of the failure at once reports it, then refuses the start. One failure of the kind,
    // not two: with the default 2 retries the next decision retries it (attempt 2) rather than setting it aside.
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).build();
    long arrivals = Math.round(2.5 * a.capacities()[0]);
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ex.refuse = x -> x.type() == Type.START && x.attempt() == 1 && a.report(x.id(), "quota exceeded");
    Decision first = at(a, c, ex, 1, arrivals);
    assertArrayEquals(new int[] {1}, first.target());
    Decision second = at(a, c, ex, 2, arrivals);
    assertEquals(List.of(Type.START), types(second));
    assertEquals(2, second.actions().get(0).attempt());
    assertFalse(second.reasons().contains("every kind failed"), second.reasons());
  }

  @Test
  void aServedStartIsNoLongerPending() {
    // Start 2 that load in 2 s: once both serve (seen at 3 s), report's contract answers false.
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).policy(script(new int[] {3})).build();
    FakeCluster c = new FakeCluster(ONE_KIND, 2, new int[] {1});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ScalingAction start = at(a, c, ex, 1, 10).actions().get(0);
    at(a, c, ex, 3, 10);
    assertArrayEquals(new int[] {0}, a.outstanding());
    assertFalse(a.report(start.id(), "late news"));
    assertTrue(at(a, c, ex, 4, 10).failures().isEmpty());
  }

  @Test
  void anInstanceSeenServingIsCreditedFirstToTheActionExpectedDoneByNow() {
    // A plugged policy wants [1, 1, 0] from 1 x1: start 1 x2 at 1 s (loads hang). At 3 s it wants [0, 2, 0]: resize
    // the x1 in place (done at once). At 4 s an x2 serves: the resize (expected at 4 s), not the start (expected at
    // 11 s). So the start is what times out (deadline 1 + 30 s) and is cancelled; the resize never fails.
    Autoscaler a = Autoscaler.builder(SIZES, SLO)
        .policy(script(i -> i < 2 ? new int[] {1, 1, 0} : new int[] {0, 2, 0})).build();
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {1, 0, 0});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    c.loadsHang = true;
    List<Decision.Failure> failures = new ArrayList<>();
    ScalingAction start = null;
    for (int t = 1; t <= 40; t++) {
      Decision d = at(a, c, ex, t, 10);
      if (t == 1) {
        start = d.actions().get(0);
      }
      if (t == 3) {
        assertEquals(List.of(Type.RESIZE), types(d));
      }
      failures.addAll(d.failures());
    }
    assertEquals(Type.START, start.type());
    assertFalse(failures.isEmpty());
    assertEquals(start, failures.get(0).action(), failures.toString());
    assertTrue(failures.stream().noneMatch(f -> f.action().type() == Type.RESIZE), failures.toString());
    assertTrue(c.cancelled.contains(start));
  }

  @Test
  void aPluggedPolicysStartOfABlockedKindIsReplacedAndNotDrained() {
    // The policy wants 3 x1 from 1 x1; the executor refuses every x1 start and one failure sets the kind aside. The
    // next decision replaces the 2 x1 by ceil(2 x cap1 / cap2) x2 (the next larger kind) and must not drain them in
    // the same breath; the decision after that has nothing to do (the x2 load covers the deficit).
    Autoscaler a = Autoscaler.builder(SIZES, SLO).policy(script(new int[] {3, 0, 0})).retries(1, 600).build();
    double[] caps = a.capacities();
    int replacement = (int) Math.ceil(2 * caps[0] / caps[1] - 1e-9);
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {1, 0, 0});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ex.refuse = x -> x.type() == Type.START && x.toKind() == 0;
    Decision first = at(a, c, ex, 1, 10);
    assertEquals(1, first.failures().size());
    Decision second = at(a, c, ex, 2, 10);
    assertEquals(List.of(Type.START), types(second));
    assertEquals(1, second.actions().get(0).toKind());
    assertEquals(replacement, second.actions().get(0).count());
    assertArrayEquals(new int[] {1, replacement, 0}, second.target());
    Decision third = at(a, c, ex, 3, 10);
    assertTrue(third.idle(), third.actions().toString());
    assertArrayEquals(new int[] {0, replacement, 0}, c.loading());
  }

  @Test
  void aPluggedPolicyIsHeldToTheMostInstances() {
    // instances(0, 3): whatever the policy answers, at most 3 instances (Builder.instances: "the most instances").
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).instances(0, 3).policy(script(new int[] {10})).build();
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    Decision d = at(a, c, ex, 1, 10);
    assertArrayEquals(new int[] {3}, d.target());
    assertEquals(2, d.actions().get(0).count());
    assertTrue(at(a, c, ex, 2, 10).idle());
    // Three sizes, at most 4, the policy asks for 2 of each: 4 in all.
    Autoscaler b = Autoscaler.builder(SIZES, SLO).instances(0, 4).maxStep(100, 1)
        .policy(script(new int[] {2, 2, 2})).build();
    FakeCluster c2 = new FakeCluster(SIZES, 10, new int[] {1, 0, 0});
    Decision e = at(b, c2, new ScriptedExecutor(c2), 1, 10);
    assertEquals(4, e.targetTotal(), Arrays.toString(e.target()));
  }

  @Test
  void aPolicyThatAnswersBadlyLosesNoFailure() {
    // A start reported failed is listed by "the next decision" (report's contract). The decision after the report
    // throws (the policy answers 2 counts for 1 kind); the failure must still be listed by the next one that decides.
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO)
        .policy(script(i -> i == 1 ? new int[2] : new int[] {3})).build();
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ScalingAction start = at(a, c, ex, 1, 10).actions().get(0);
    assertTrue(a.report(start.id(), "CUDA out of memory while loading"));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> at(a, c, ex, 2, 10));
    assertTrue(e.getMessage().contains("answered 2 counts") && e.getMessage().contains("(1)"), e.getMessage());
    Decision next = at(a, c, ex, 3, 10);
    assertEquals(1, next.failures().size(), next.failures().toString());
    assertTrue(next.failures().get(0).cause().contains("CUDA out of memory"));
  }

  // --- Messages -------------------------------------------------------------------------------------------------

  @Test
  void aRefusedOrFailedShrinkSaysTheLargerInstanceKeepsServing() {
    // One x2 serving, demand 0.5 capacities of x1: ours shrinks it back to x1 in place. Refused, nothing is started
    // beside it (target 1 = current), so "new instances" must not be promised; the x2 keeps serving.
    Autoscaler a = Autoscaler.builder(SIZES, SLO).forecasting(false).build();
    long arrivals = Math.round(0.5 * a.capacities()[0]);
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {0, 1, 0});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    ex.refuse = x -> x.type() == Type.RESIZE;
    Decision d = at(a, c, ex, 1, arrivals);
    Decision.Failure f = d.failures().get(0);
    assertEquals(Type.RESIZE, f.action().type());
    assertEquals(0, f.action().toKind());
    assertFalse(f.next().contains("new instances"), f.next());
    assertTrue(f.next().contains("keep serving"), f.next());
    // Accepted, then reported failed: the same.
    Autoscaler b = Autoscaler.builder(SIZES, SLO).forecasting(false).build();
    FakeCluster c2 = new FakeCluster(SIZES, 10, new int[] {0, 1, 0});
    ScriptedExecutor ex2 = new ScriptedExecutor(c2);
    ex2.ignore = x -> x.type() == Type.RESIZE;
    ScalingAction shrink = at(b, c2, ex2, 1, arrivals).actions().get(0);
    assertTrue(b.report(shrink.id(), "resize failed"));
    Decision.Failure g = at(b, c2, ex2, 2, arrivals).failures().get(0);
    assertFalse(g.next().contains("new instances"), g.next());
    assertTrue(g.next().contains("keep serving"), g.next());
  }

  @Test
  void aRefusedGrowWithNoRoomForNewInstancesPromisesNone() {
    // At most 2 instances, 2 x1 serve, demand 3.5: ours grows both in place and can start nothing (the cap). The
    // resize refused, no new instance is planned, so the failure must not say that planned ones cover the demand.
    Autoscaler a = Autoscaler.builder(SIZES, SLO).forecasting(false).instances(1, 2).build();
    long arrivals = Math.round(3.5 * a.capacities()[0]);
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {2, 0, 0});
    c.refuseResizes = true;
    ScriptedExecutor ex = new ScriptedExecutor(c);
    Decision d = at(a, c, ex, 1, arrivals);
    assertTrue(d.actions().isEmpty(), d.actions().toString());
    Decision.Failure f = d.failures().get(0);
    assertEquals(Type.RESIZE, f.action().type());
    assertFalse(f.next().contains("new instances planned"), f.next());
  }

  @Test
  void holdSecondsIsZeroWhenNoRequestIsHeld() {
    // Decision.holdSeconds: "0 when none are held". Nothing serves, 5 arrived but were not queued (the framework
    // dropped them): held 0, so hold 0, from decide and step alike. With 3 queued: held 3 for the 10 s load.
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).timing(10, 1).build();
    Decision d = a.decide(obs(1, 1, 5, 0, new int[] {0}, new int[] {0}, ONE_KIND));
    assertEquals(0, d.held());
    assertEquals(0, d.holdSeconds(), 0);
    Decision e = a.decide(obs(2, 1, 5, 3, new int[] {0}, new int[] {1}, ONE_KIND));
    assertEquals(3, e.held());
    assertEquals(9, e.holdSeconds(), 1e-9);
  }

  // --- Forecast buckets ---------------------------------------------------------------------------------------

  @Test
  void theFirstForecastBucketHoldsOnlyItsOwnPeriods() {
    // 50 requests a second, 1 s periods, 10 s buckets from the first observation (1 s): the bucket (1, 11] holds the
    // arrivals reported at 2..11 s, 500 in 10 s: 50/s, as does (11, 21].
    Recording f = new Recording();
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecaster(f, 10).build();
    for (int t = 1; t <= 21; t++) {
      a.decide(obs(t, 1, 50, 0, new int[] {1}, new int[] {0}, ONE_KIND));
    }
    assertEquals(List.of(50.0, 50.0), f.fed);
  }

  @Test
  void aGapFeedsTheForecasterOneRatePerElapsedBucket() {
    // 10 s buckets. After the bucket (1, 11], the next observation comes at 51 s with 40 s of arrivals at 50/s: four
    // buckets elapsed, (11, 21] .. (41, 51], each at 50/s; feeding one would shift the season by three buckets.
    Recording f = new Recording();
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecaster(f, 10).build();
    for (int t = 1; t <= 11; t++) {
      a.decide(obs(t, 1, 50, 0, new int[] {1}, new int[] {0}, ONE_KIND));
    }
    a.decide(obs(51, 40, 40 * 50, 0, new int[] {1}, new int[] {0}, ONE_KIND));
    assertEquals(List.of(50.0, 50.0, 50.0, 50.0, 50.0), f.fed);
  }

  @Test
  void forecastBucketsKeepTimeWithPeriodsThatDoNotDivideThem() {
    // 3 s periods, 10 s buckets, 0 .. 300 s at 50/s: 300 s is 30 buckets (the season counts buckets, so a bucket
    // that closes at the first observation after 10 s, every 12 s, would run the season's clock 20% slow).
    Recording f = new Recording();
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecaster(f, 10).build();
    for (int t = 0; t <= 300; t += 3) {
      a.decide(obs(t, 3, 150, 0, new int[] {1}, new int[] {0}, ONE_KIND));
    }
    assertEquals(30, f.fed.size());
    for (double y : f.fed) {
      assertEquals(50, y, 1e-9);
    }
  }

  // --- Properties ---------------------------------------------------------------------------------------------

  @Test
  void theTargetIsWhatTheClusterHoldsOnceTheActionsAreCarriedOut() {
    // Random demand, loads and refusals of any action (never hung loads, so nothing times out): after each step the
    // target per kind equals what the cluster has ready or loading (refused actions rolled back, the others done),
    // the controller believes exactly what serves, and no count is negative.
    for (int seed = 0; seed < 12; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      List<InstanceSpec> catalog = seed % 3 == 0 ? ONE_KIND : TWO_SIZES;
      Autoscaler.Builder b = Autoscaler.builder(catalog, SLO).scaleInWindow(r.nextInt(3) * 20)
          .hysteresis(r.nextInt(2) * 0.1).instances(r.nextInt(2), 40).timing(1 + r.nextInt(15), 1).timeout(60);
      if (seed % 4 == 1) {
        b.policy(script(i -> {
          int[] w = new int[catalog.size()];
          w[r.nextInt(w.length)] = r.nextInt(8);
          w[r.nextInt(w.length)] += r.nextInt(4);
          return w;
        }));
      }
      Autoscaler a = b.build();
      double cap = a.capacities()[0];
      FakeCluster c = new FakeCluster(catalog, 1 + r.nextInt(15), new int[catalog.size()]);
      ScriptedExecutor ex = new ScriptedExecutor(c);
      double refuse = seed < 2 ? 0 : 0.3;
      ex.refuse = x -> r.nextDouble() < refuse;
      double level = 2 * cap;
      for (int t = 1; t <= 400; t++) {
        if (r.nextInt(20) == 0) {
          level = r.nextInt(4) == 0 ? 0 : cap * r.nextDouble(0.2, 15);
        }
        c.now = t;
        Observation o = c.observe(1, Math.round(level * r.nextDouble(0.8, 1.2)));
        double real = c.realCapacity(a.capacities());
        Decision d = a.step(o, ex);
        String at = "seed " + seed + " at " + t + " s: " + d.actions() + " " + d.failures();
        assertArrayEquals(plus(c.ready(), c.loading()), d.target(), at);
        assertEquals(real, d.believedCapacity(), 1e-9, at);
        assertArrayEquals(o.ready(), d.ready(), at);
        for (int k = 0; k < catalog.size(); k++) {
          assertTrue(a.outstanding()[k] >= 0 && d.target()[k] >= 0, at);
        }
      }
    }
  }

  @Test
  void noDrainWithinTheWindowAfterAStartWithIrregularPeriods() {
    // HPA's rule under periods of 0 s (two observations at one time), 10 ms, 0.25 s, 1 s and 3 s: a start at s means
    // a recommendation at s at least the count after it, so no drain before s + window.
    for (int seed = 0; seed < 4; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      double window = 20 + r.nextInt(60);
      Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).instances(1, 100).scaleInWindow(window).build();
      double cap = a.capacities()[0];
      FakeCluster c = new FakeCluster(ONE_KIND, 2, new int[] {1});
      double[] periods = {0, 0.01, 0.25, 1, 3};
      double level = 2 * cap;
      double t = 0;
      double lastStart = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < 3000; i++) {
        double p = periods[r.nextInt(periods.length)];
        t += p;
        if (r.nextInt(40) == 0) {
          level = cap * r.nextDouble(0.1, 10);
        }
        c.now = t;
        Decision d = a.step(c.observe(p, Math.round(level * p * r.nextDouble(0.8, 1.2))), c);
        for (ScalingAction x : d.actions()) {
          if (x.type() == Type.STOP) {
            assertTrue(t >= lastStart + window, "seed " + seed + ": drain at " + t + " s, start at " + lastStart);
          }
          if (x.type() == Type.START) {
            lastStart = t;
          }
        }
      }
    }
  }

  @Test
  void identicalInputsGiveIdenticalDecisionsWithPluggedPolicyAndRefusals() {
    List<String> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      SplittableRandom r = new SplittableRandom(7);
      Autoscaler a = Autoscaler.builder(SIZES, SLO).season(10, 100).build();
      FakeCluster c = new FakeCluster(SIZES, 4, new int[] {1, 0, 0});
      ScriptedExecutor ex = new ScriptedExecutor(c);
      ex.refuse = x -> r.nextInt(5) == 0;
      StringBuilder log = new StringBuilder();
      for (int t = 1; t <= 300; t++) {
        c.now = t;
        Decision d = a.step(c.observe(1, r.nextInt(5_000)), ex);
        log.append(d.actions()).append(d.failures()).append(Arrays.toString(d.target())).append(d.reasons())
            .append('\n');
      }
      runs.add(log.toString());
    }
    assertEquals(runs.get(0), runs.get(1));
  }

  // --- Smaller contracts ----------------------------------------------------------------------------------------

  @Test
  void tokenThroughputZeroIgnoresTokensAndKvCacheStillCounts() {
    // tokenThroughput 0 turns token demand off: 10^6 tokens change nothing. KV cache 90% of 1 ready at 80%: 1.125.
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).build();
    Decision d = a.decide(obs(1, 1, 0, 0, new int[] {1}, new int[] {0}, ONE_KIND),
        new LlmSignals(1_000_000, 1_000_000, 0, 0));
    assertEquals(0, d.demandUnits(), 0);
    Decision e = a.decide(obs(2, 1, 0, 0, new int[] {1}, new int[] {0}, ONE_KIND), new LlmSignals(0, 0, 90, 100));
    assertEquals(1.125, e.demandUnits(), 1e-12);
    assertEquals(2, e.targetTotal());
  }

  @Test
  void hysteresisZeroScalesInAtTheCapacityOfTheSmallerCount() {
    // 4 serve, demand just under 3 capacities (floor(3 x cap) requests a second), no scale-in window: with hysteresis
    // 0 the recommendation is ceil(demand) = 3; with 0.1 it needs demand / 0.9 (3.33) below 3, so it holds at 4.
    for (double h : new double[] {0, 0.1}) {
      Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).scaleInWindow(0).hysteresis(h).build();
      long arrivals = (long) Math.floor(3 * a.capacities()[0]);
      FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {4});
      Decision d = at(a, c, new ScriptedExecutor(c), 1, arrivals);
      assertEquals(h == 0 ? 3 : 4, d.targetTotal(), "hysteresis " + h);
    }
  }

  @Test
  void aStepFractionOfZeroLeavesTheCount() {
    // maxStep(3, 0): at most max(3, 0 x instances) = 3 per decision, however many instances run: 10 -> 13 -> 16.
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).maxStep(3, 0).build();
    long arrivals = Math.round(29.5 * a.capacities()[0]);
    FakeCluster c = new FakeCluster(ONE_KIND, 100, new int[] {10});
    ScriptedExecutor ex = new ScriptedExecutor(c);
    assertEquals(13, at(a, c, ex, 1, arrivals).targetTotal());
    assertEquals(16, at(a, c, ex, 2, arrivals).targetTotal());
  }

  @Test
  void scaleToZeroAndBackRespectTheBounds() {
    // minInstances 1: idle forever keeps 1. minInstances 0: zero after the idle window (10 s, from the first idle
    // observation at 1 s, so at 11 s), then one arrival starts 1 (ceil of the demand, at least 1), never above max 1.
    Autoscaler one = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).instances(1, 1).idleBeforeZero(10).build();
    Autoscaler zero = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).instances(0, 1).idleBeforeZero(10).build();
    FakeCluster c1 = new FakeCluster(ONE_KIND, 5, new int[] {1});
    FakeCluster c0 = new FakeCluster(ONE_KIND, 5, new int[] {1});
    ScriptedExecutor e1 = new ScriptedExecutor(c1);
    ScriptedExecutor e0 = new ScriptedExecutor(c0);
    double zeroAt = Double.NaN;
    for (int t = 1; t <= 100; t++) {
      assertEquals(1, at(one, c1, e1, t, 0).targetTotal());
      Decision d = at(zero, c0, e0, t, 0);
      if (Double.isNaN(zeroAt) && d.targetTotal() == 0) {
        zeroAt = t;
      }
    }
    assertEquals(11, zeroAt, 0);
    Decision back = at(zero, c0, e0, 101, 100_000);
    assertEquals(1, back.targetTotal());
  }

  @Test
  void concurrentCallersNeitherThrowNorCorruptTheCounts() throws Exception {
    // Four threads decide (all at one time, so none goes back), report random ids and read the counts, 2,000 times
    // each ("every public method synchronises on the controller"): no exception, every count stays at least 0, and
    // each decision's ready counts are the ones its caller observed.
    Autoscaler a = Autoscaler.builder(SIZES, SLO).build();
    long arrivals = Math.round(6.5 * a.capacities()[0]);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int seed = w;
      done.add(pool.submit(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        go.await();
        for (int i = 0; i < 2_000; i++) {
          int[] ready = {r.nextInt(5), r.nextInt(3), r.nextInt(2)};
          Decision d = a.decide(obs(1, 1, arrivals, 0, ready, new int[3], SIZES));
          assertArrayEquals(ready, d.ready());
          a.report(r.nextInt(200), "test");
          for (int k : a.outstanding()) {
            assertTrue(k >= 0);
          }
          a.believedCapacity();
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
  }
}

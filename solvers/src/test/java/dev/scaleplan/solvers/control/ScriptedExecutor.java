package dev.scaleplan.solvers.control;

import dev.scaleplan.api.ScalingAction;
import dev.scaleplan.api.ScalingExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An executor for review tests, in front of a {@link FakeCluster}: it refuses the actions a predicate picks (the
 * cluster never sees them), accepts the resizes another picks without carrying them out (a resize in progress, or one
 * that fails later), and passes the rest on.
 */
final class ScriptedExecutor implements ScalingExecutor {
  private final FakeCluster cluster;
  Predicate<ScalingAction> refuse = a -> false;
  Predicate<ScalingAction> ignore = a -> false;
  final List<ScalingAction> refused = new ArrayList<>();
  final List<ScalingAction> ignored = new ArrayList<>();

  ScriptedExecutor(FakeCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public Outcome apply(ScalingAction a) {
    if (refuse.test(a)) {
      refused.add(a);
      return Outcome.refused("refused by the test");
    }
    if (ignore.test(a)) {
      ignored.add(a);
      return Outcome.ok();
    }
    return cluster.apply(a);
  }

  @Override
  public void cancel(ScalingAction a) {
    cluster.cancel(a);
  }
}

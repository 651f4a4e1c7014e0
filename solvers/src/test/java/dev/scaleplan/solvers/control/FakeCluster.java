package dev.scaleplan.solvers.control;

import dev.scaleplan.api.ScalingAction;
import dev.scaleplan.api.ScalingExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * A deployment for controller tests: instances of the catalog's kinds that load for a fixed time (or never, when
 * loads are set to hang), resize in place at once (or refuse), and hold requests while nothing serves. Its clock is
 * the test's.
 */
final class FakeCluster implements ScalingExecutor {
  private final List<InstanceSpec> catalog;
  private final double loadSeconds;
  private final List<double[]> instances = new ArrayList<>();  // {kind, readyAt}
  final List<ScalingAction> applied = new ArrayList<>();
  final List<ScalingAction> cancelled = new ArrayList<>();
  double now;
  boolean loadsHang;
  boolean refuseResizes;
  long held;

  FakeCluster(List<InstanceSpec> catalog, double loadSeconds, int[] initial) {
    this.catalog = catalog;
    this.loadSeconds = loadSeconds;
    for (int k = 0; k < initial.length; k++) {
      for (int i = 0; i < initial[k]; i++) {
        instances.add(new double[] {k, 0});
      }
    }
  }

  @Override
  public Outcome apply(ScalingAction a) {
    applied.add(a);
    switch (a.type()) {
      case START -> {
        for (int i = 0; i < a.count(); i++) {
          instances.add(new double[] {a.toKind(), loadsHang ? Double.POSITIVE_INFINITY : now + loadSeconds});
        }
      }
      case STOP -> {
        int left = a.count();
        for (int i = instances.size() - 1; i >= 0 && left > 0; i--) {  // loading ones first, as Kubernetes does
          if (instances.get(i)[0] == a.fromKind() && instances.get(i)[1] > now) {
            instances.remove(i);
            left--;
          }
        }
        for (int i = instances.size() - 1; i >= 0 && left > 0; i--) {
          if (instances.get(i)[0] == a.fromKind()) {
            instances.remove(i);
            left--;
          }
        }
      }
      case RESIZE -> {
        if (refuseResizes) {
          return Outcome.refused("in-place resize of nvidia.com/gpu is not allowed");
        }
        int left = a.count();
        for (double[] in : instances) {
          if (left > 0 && in[0] == a.fromKind() && in[1] <= now) {
            in[0] = a.toKind();
            left--;
          }
        }
      }
    }
    return Outcome.ok();
  }

  @Override
  public void cancel(ScalingAction a) {
    cancelled.add(a);
    int left = a.count();
    for (int i = instances.size() - 1; i >= 0 && left > 0; i--) {
      if (instances.get(i)[0] == a.toKind() && instances.get(i)[1] > now) {
        instances.remove(i);
        left--;
      }
    }
  }

  /** Loses one serving instance of the kind (a GPU gone). */
  void lose(int kind) {
    for (int i = 0; i < instances.size(); i++) {
      if (instances.get(i)[0] == kind && instances.get(i)[1] <= now) {
        instances.remove(i);
        return;
      }
    }
  }

  int[] ready() {
    int[] r = new int[catalog.size()];
    for (double[] in : instances) {
      if (in[1] <= now) {
        r[(int) in[0]]++;
      }
    }
    return r;
  }

  int[] loading() {
    int[] l = new int[catalog.size()];
    for (double[] in : instances) {
      if (in[1] > now) {
        l[(int) in[0]]++;
      }
    }
    return l;
  }

  /** The capacity of what really serves, by the controller's per-kind capacities. */
  double realCapacity(double[] capacities) {
    int[] r = ready();
    double c = 0;
    for (int k = 0; k < r.length; k++) {
      c += r[k] * capacities[k];
    }
    return c;
  }

  /** The observation at the cluster's time: {@code arrivals} in the last period; held requests while none serve. */
  Observation observe(double period, long arrivals) {
    int[] r = ready();
    int total = 0;
    for (int x : r) {
      total += x;
    }
    held = total == 0 ? held + arrivals : 0;
    return new Observation(now, period, arrivals, arrivals, 0, -1, -1, held, 0, r, loading(), catalog, 0.1);
  }
}

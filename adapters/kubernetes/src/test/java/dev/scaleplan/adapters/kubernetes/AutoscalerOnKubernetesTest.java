package dev.scaleplan.adapters.kubernetes;

import static dev.scaleplan.adapters.kubernetes.FakeCluster.NS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.ScalingAction;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.control.Autoscaler;
import dev.scaleplan.solvers.control.Decision;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.solvers.control.Observation;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example of the README's "Embedding scaleplan", run for real: the controller, called once a (simulated) second,
 * drives two Deployments on fabric8's mock API server through {@link KubernetesScalingExecutor}; the test plays the
 * Deployment controller and the kubelet (pods turn Ready 10 s after they appear, or never).
 */
class AutoscalerOnKubernetesTest {
  static final BatchLatency RESNET50 = BatchLatency.tabulated(new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});
  static final KindBinding SMALL = KindBinding.of("a100-x1", "resnet-a100-x1", "server", 1);
  static final KindBinding LARGE = KindBinding.of("a100-x2", "resnet-a100-x2", "server", 2);
  static final List<InstanceSpec> CATALOG = List.of(
      new InstanceSpec("a100-x1", RESNET50, 1, 32, InstanceSpec.Dispatch.workConserving(), 1,
          InstanceSpec.Service.DETERMINISTIC),
      new InstanceSpec("a100-x2", RESNET50, 2, 32, InstanceSpec.Dispatch.workConserving(), 2,
          InstanceSpec.Service.DETERMINISTIC));

  FakeCluster cluster;
  KubernetesScalingExecutor executor;
  final Map<String, Integer> firstSeen = new HashMap<>();
  boolean podsHang;

  @BeforeEach
  void setUp() {
    cluster = new FakeCluster();
    cluster.deploy(SMALL, 1);
    cluster.deploy(LARGE, 0);
    cluster.reconcile();
    cluster.markAllReady();
    // A real cluster refuses to resize nvidia.com/gpu in place: the controller falls back to new pods.
    cluster.resizeSupport(FakeCluster.ResizeSupport.FORBIDDEN);
    executor = new KubernetesScalingExecutor(cluster.client, NS, List.of(SMALL, LARGE), true);
  }

  @AfterEach
  void tearDown() {
    executor.close();
    cluster.close();
  }

  /** One second of the cluster: the Deployment controller's pass, then pods loading for 10 s turn Ready. */
  private void tick(int t) {
    cluster.reconcile();
    for (Pod p : cluster.pods()) {
      String name = p.getMetadata().getName();
      firstSeen.putIfAbsent(name, t);
      if (!podsHang && !FakeCluster.ready(p) && t - firstSeen.get(name) >= 10) {
        cluster.setCondition(name, "Ready", true);
      }
    }
  }

  private List<Decision> run(Autoscaler autoscaler, int seconds, double rate) {
    List<Decision> out = new ArrayList<>();
    for (int t = 1; t <= seconds; t++) {
      tick(t);
      int[] ready = executor.readyPerKind();
      long arrivals = Math.round(t <= 20 ? rate / 3 : rate);
      Observation o = new Observation(t, 1, arrivals, arrivals, 0, -1, -1, 0, 0, ready, executor.loadingPerKind(),
          CATALOG, 0.1);
      Decision d = autoscaler.step(o, executor);
      assertArrayEquals(ready, autoscaler.believedReady(), "t = " + t + ": believes only what is Ready");
      out.add(d);
    }
    return out;
  }

  @Test
  void aBurstScalesTheDeploymentOutAndTheRefusedResizeFallsBack() {
    Autoscaler autoscaler = Autoscaler.builder(CATALOG, Slo.of(99, 0.1)).timing(10, 1).forecasting(false).build();
    double cap = autoscaler.capacities()[0];
    List<Decision> ds = run(autoscaler, 60, 4.5 * cap);
    // 1.5 capacities for 20 s (2 pods), then 4.5: ceil(4.5) = 5 pods of a100-x1 serve by the end.
    assertTrue(ds.stream().flatMap(d -> d.failures().stream())
        .anyMatch(f -> f.action().type() == ScalingAction.Type.RESIZE && f.cause().contains("Forbidden")));
    assertEquals(5, cluster.replicas(SMALL));
    assertEquals(5, executor.readyPerKind()[0]);
    assertEquals(0, cluster.replicas(LARGE));
  }

  @Test
  void podsThatNeverTurnReadyAreCancelledAndNeverCounted() {
    Autoscaler autoscaler = Autoscaler.builder(CATALOG, Slo.of(99, 0.1)).timing(10, 1).timeout(30)
        .forecasting(false).build();
    double cap = autoscaler.capacities()[0];
    podsHang = true;
    List<Decision> ds = run(autoscaler, 45, 4.5 * cap);
    Decision.Failure late = ds.stream().flatMap(d -> d.failures().stream())
        .filter(f -> f.cause().startsWith("not serving by its deadline")).findFirst().orElseThrow();
    assertEquals(ScalingAction.Type.START, late.action().type());
    // Only the first pod ever serves; the cancelled start's pods were taken off the Deployment again and the
    // retry's pods are all that load.
    assertEquals(1, executor.readyPerKind()[0]);
    assertEquals(autoscaler.outstanding()[0], executor.loadingPerKind()[0]);
  }
}

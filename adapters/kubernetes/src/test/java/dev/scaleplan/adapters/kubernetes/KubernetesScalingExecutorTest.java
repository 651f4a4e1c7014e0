package dev.scaleplan.adapters.kubernetes;

import static dev.scaleplan.adapters.kubernetes.FakeCluster.NS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.ScalingAction;
import dev.scaleplan.api.ScalingExecutor.Outcome;
import dev.scaleplan.adapters.kubernetes.FakeCluster.ResizeSupport;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor against fabric8's mock API server in CRUD mode, with {@link FakeCluster} playing the Deployment
 * controller ({@code reconcile}) and the kubelet ({@code markReady}). Two kinds: {@code a100-x1} (1 GPU per instance)
 * and {@code a100-x2} (2 GPUs), each with its own Deployment; the counts are in that order.
 */
class KubernetesScalingExecutorTest {
  static final KindBinding SMALL = KindBinding.of("a100-x1", "llm-a100-x1", "server", 1);
  static final KindBinding LARGE = KindBinding.of("a100-x2", "llm-a100-x2", "server", 2);
  static final String GPU = KindBinding.DEFAULT_GPU_RESOURCE;

  FakeCluster cluster;
  KubernetesScalingExecutor executor;

  @BeforeEach
  void setUp() {
    cluster = new FakeCluster();
    executor = executor(true);
  }

  @AfterEach
  void tearDown() {
    executor.close();
    cluster.close();
  }

  KubernetesScalingExecutor executor(boolean inPlaceResize) {
    return new KubernetesScalingExecutor(cluster.client, NS, List.of(SMALL, LARGE), inPlaceResize);
  }

  // ---- Actions as the controller makes them (catalog index 0 = a100-x1, 1 = a100-x2, 7 = a kind not bound) ----

  static int index(String kind) {
    return kind.equals(SMALL.name()) ? 0 : kind.equals(LARGE.name()) ? 1 : 7;
  }

  static ScalingAction start(long id, String kind, int count) {
    return new ScalingAction(id, ScalingAction.Type.START, -1, "", index(kind), kind, count, 0, 60, 120, 1, "test");
  }

  static ScalingAction stop(long id, String kind, int count) {
    return new ScalingAction(id, ScalingAction.Type.STOP, index(kind), kind, -1, "", count, 0, 0, 0, 1, "test");
  }

  static ScalingAction resize(long id, String from, String to, int count) {
    return new ScalingAction(id, ScalingAction.Type.RESIZE, index(from), from, index(to), to, count, 0, 30, 60, 1,
        "test");
  }

  /** A cluster with {@code ready} Ready and {@code loading} loading pods of SMALL, and LARGE at 0 replicas. */
  void smallPods(int ready, int loading) {
    cluster.deploy(SMALL, ready + loading);
    cluster.deploy(LARGE, 0);
    cluster.reconcile();
    assertEquals(ready, cluster.markReady(SMALL.name(), ready));
  }

  // ---- START -------------------------------------------------------------------------------------------------

  @Test
  void startRaisesReplicasAndPodsLoadThenServe() {
    smallPods(1, 0);
    assertArrayEquals(new int[] {1, 0}, executor.readyPerKind());
    assertArrayEquals(new int[] {0, 0}, executor.loadingPerKind());

    Outcome out = executor.apply(start(1, SMALL.name(), 2));
    assertTrue(out.accepted(), out.detail());
    assertEquals("Deployment \"llm-a100-x1\": replicas 1 -> 3.", out.detail());
    assertEquals(3, cluster.replicas(SMALL));
    // Nothing runs the controller yet: no new pod.
    assertArrayEquals(new int[] {0, 0}, executor.loadingPerKind());

    assertEquals(2, cluster.reconcile());
    assertArrayEquals(new int[] {1, 0}, executor.readyPerKind());
    assertArrayEquals(new int[] {2, 0}, executor.loadingPerKind());
    cluster.markReady(SMALL.name(), 1);
    assertArrayEquals(new int[] {2, 0}, executor.readyPerKind());
    assertArrayEquals(new int[] {1, 0}, executor.loadingPerKind());
    cluster.markReady(SMALL.name(), 1);
    assertArrayEquals(new int[] {3, 0}, executor.readyPerKind());
    assertArrayEquals(new int[] {0, 0}, executor.loadingPerKind());
  }

  @Test
  void startOfTheOtherKindTouchesOnlyItsDeployment() {
    smallPods(2, 0);
    assertTrue(executor.apply(start(1, LARGE.name(), 1)).accepted());
    assertEquals(2, cluster.replicas(SMALL));
    assertEquals(1, cluster.replicas(LARGE));
    cluster.reconcile();
    assertArrayEquals(new int[] {2, 0}, executor.readyPerKind());
    assertArrayEquals(new int[] {0, 1}, executor.loadingPerKind());
  }

  @Test
  void startIsRefusedWhenThePodTemplateLacksTheKindLabel() {
    cluster.deploy(SMALL, 1, false);
    Outcome out = executor.apply(start(1, SMALL.name(), 1));
    assertFalse(out.accepted());
    assertTrue(out.detail().contains("llm-a100-x1") && out.detail().contains("scaleplan.dev/kind=a100-x1"),
        out.detail());
    assertEquals(1, cluster.replicas(SMALL));
  }

  // ---- STOP --------------------------------------------------------------------------------------------------

  @Test
  void stopLowersReplicasAndRefusesBelowZero() {
    smallPods(3, 0);
    Outcome out = executor.apply(stop(1, SMALL.name(), 2));
    assertTrue(out.accepted(), out.detail());
    assertEquals(1, cluster.replicas(SMALL));
    assertEquals(-2, cluster.reconcile());
    assertArrayEquals(new int[] {1, 0}, executor.readyPerKind());

    Outcome refused = executor.apply(stop(2, SMALL.name(), 2));
    assertFalse(refused.accepted());
    assertEquals("Cannot stop 2 x a100-x1 (action #2): Deployment \"llm-a100-x1\" has 1 replicas, fewer than 2.",
        refused.detail());
    assertEquals(1, cluster.replicas(SMALL));

    assertTrue(executor.apply(stop(3, SMALL.name(), 1)).accepted());
    assertEquals(0, cluster.replicas(SMALL));
    assertFalse(executor.apply(stop(4, SMALL.name(), 1)).accepted());
  }

  // ---- RESIZE ------------------------------------------------------------------------------------------------

  @Test
  void resizeChangesGpusAndLabelOfExactlyCountReadyPods() {
    smallPods(3, 1); // llm-a100-x1-001..003 Ready (marked by name), -004 loading
    Outcome out = executor.apply(resize(5, SMALL.name(), LARGE.name(), 2));
    assertTrue(out.accepted(), out.detail());

    // The first two Ready pods by name are resized; the third Ready one and the loading one keep 1 GPU.
    List<String> large = cluster.pods(LARGE.name()).stream().map(p -> p.getMetadata().getName()).toList();
    assertEquals(List.of("llm-a100-x1-001", "llm-a100-x1-002"), large);
    for (Pod p : cluster.pods(LARGE.name())) {
      assertArrayEquals(new int[] {2, 2}, FakeCluster.gpus(p, "server", GPU), p.getMetadata().getName());
      assertEquals("4", p.getSpec().getContainers().get(1).getResources().getRequests().get("cpu").getAmount());
      assertEquals("5", p.getMetadata().getAnnotations().get(KubernetesScalingExecutor.RESIZE_ANNOTATION));
      assertNull(p.getMetadata().getLabels().get(KubernetesScalingExecutor.TEMPLATE_HASH_LABEL));
      assertTrue(FakeCluster.ready(p));
    }
    for (Pod p : cluster.pods(SMALL.name())) {
      assertArrayEquals(new int[] {1, 1}, FakeCluster.gpus(p, "server", GPU), p.getMetadata().getName());
    }
    // The two pods left the small Deployment: 4 - 2 replicas, so its controller replaces neither.
    assertEquals(2, cluster.replicas(SMALL));
    assertEquals(0, cluster.replicas(LARGE));
    assertEquals(0, cluster.reconcile());
    assertArrayEquals(new int[] {1, 2}, executor.readyPerKind());
    assertArrayEquals(new int[] {1, 0}, executor.loadingPerKind());
  }

  @Test
  void resizeFallsBackToPatchingThePodWhereThereIsNoResizeSubresource() {
    smallPods(1, 0);
    cluster.resizeSupport(ResizeSupport.POD_PATCH_ONLY);
    assertTrue(executor.apply(resize(1, SMALL.name(), LARGE.name(), 1)).accepted());
    assertArrayEquals(new int[] {2, 2}, FakeCluster.gpus(cluster.pod("llm-a100-x1-001"), "server", GPU));
    assertArrayEquals(new int[] {0, 1}, executor.readyPerKind());
  }

  @Test
  void resizeBetweenGpuResourcesMovesTheRequest() {
    KindBinding slice = new KindBinding("a100-3g", "llm-a100-3g", "server", "nvidia.com/mig-3g.40gb", 1);
    KubernetesScalingExecutor mig = new KubernetesScalingExecutor(cluster.client, NS, List.of(slice, LARGE), true);
    cluster.deploy(slice, 1);
    cluster.reconcile();
    cluster.markAllReady();
    assertTrue(mig.apply(new ScalingAction(1, ScalingAction.Type.RESIZE, 0, slice.name(), 1, LARGE.name(), 1, 0, 1,
        2, 1, "test")).accepted());
    Pod p = cluster.pod("llm-a100-3g-001");
    assertArrayEquals(new int[] {0, 0}, FakeCluster.gpus(p, "server", "nvidia.com/mig-3g.40gb"));
    assertArrayEquals(new int[] {2, 2}, FakeCluster.gpus(p, "server", GPU));
  }

  @Test
  void resizeIsRefusedWhenOff() {
    smallPods(2, 0);
    KubernetesScalingExecutor off = executor(false);
    Outcome out = off.apply(resize(1, SMALL.name(), LARGE.name(), 1));
    assertFalse(out.accepted());
    assertEquals("In-place resizes are off for this executor; cannot resize 1 x a100-x1 to a100-x2 (action #1).",
        out.detail());
    assertUntouched(2);
  }

  @Test
  void resizeIsRefusedWithTooFewReadyPods() {
    smallPods(1, 2);
    Outcome out = executor.apply(resize(1, SMALL.name(), LARGE.name(), 2));
    assertFalse(out.accepted());
    assertTrue(out.detail().contains("only 1 pods of kind \"a100-x1\" are Ready"), out.detail());
    assertUntouched(3);
  }

  @Test
  void resizeRefusedByTheServerIsARefusalWithItsReason() {
    smallPods(2, 0);
    cluster.resizeSupport(ResizeSupport.FORBIDDEN);
    Outcome out = executor.apply(resize(1, SMALL.name(), LARGE.name(), 2));
    assertFalse(out.accepted());
    assertTrue(out.detail().contains("HTTP 422")
        && out.detail().contains(String.format(FakeCluster.FORBIDDEN_MESSAGE, "llm-a100-x1-001")), out.detail());
    assertUntouched(2);
  }

  @Test
  void resizeRefusedHalfwayPutsBackThePodsAlreadyResized() {
    smallPods(2, 0);
    // The server accepts the first pod's resize and refuses the second's.
    cluster.refuseNextResizeOf("llm-a100-x1-002");
    Outcome out = executor.apply(resize(1, SMALL.name(), LARGE.name(), 2));
    assertFalse(out.accepted());
    assertTrue(out.detail().contains("the 1 pods resized before it were put back"), out.detail());
    assertUntouched(2);
  }

  /** No pod changed kind or GPUs, and the small Deployment kept {@code replicas}. */
  void assertUntouched(int replicas) {
    assertEquals(List.of(), cluster.pods(LARGE.name()));
    for (Pod p : cluster.pods(SMALL.name())) {
      assertArrayEquals(new int[] {1, 1}, FakeCluster.gpus(p, "server", GPU), p.getMetadata().getName());
      assertEquals(FakeCluster.HASH, p.getMetadata().getLabels().get(KubernetesScalingExecutor.TEMPLATE_HASH_LABEL));
    }
    assertEquals(replicas, cluster.replicas(SMALL));
  }

  @Test
  void stopDeletesResizedPodsBeforeLoweringReplicas() {
    smallPods(2, 0);
    cluster.client.apps().deployments().inNamespace(NS).withName(LARGE.deployment()).scale(1);
    cluster.reconcile();
    cluster.markAllReady();
    assertTrue(executor.apply(resize(1, SMALL.name(), LARGE.name(), 2)).accepted());
    cluster.reconcile();
    // LARGE: 2 resized pods + 1 replica of its own = 3 ready.
    assertArrayEquals(new int[] {0, 3}, executor.readyPerKind());

    Outcome out = executor.apply(stop(2, LARGE.name(), 3));
    assertTrue(out.accepted(), out.detail());
    assertEquals("Deployment \"llm-a100-x2\": replicas 1 -> 0. Deleted resized pods [llm-a100-x1-001, "
        + "llm-a100-x1-002].", out.detail());
    cluster.reconcile();
    assertArrayEquals(new int[] {0, 0}, executor.readyPerKind());
    assertEquals(List.of(), cluster.pods());
  }

  // ---- Refusals ----------------------------------------------------------------------------------------------

  @Test
  void unknownKindIsRefusedNamingIt() {
    smallPods(1, 0);
    for (ScalingAction a : List.of(start(1, "h100-x8", 1), stop(2, "h100-x8", 1),
        resize(3, SMALL.name(), "h100-x8", 1))) {
      Outcome out = executor.apply(a);
      assertFalse(out.accepted(), a.toString());
      assertTrue(out.detail().contains("no kind named \"h100-x8\"") && out.detail().contains("[a100-x1, a100-x2]"),
          out.detail());
    }
  }

  @Test
  void missingDeploymentIsRefusedNamingIt() {
    cluster.deploy(SMALL, 1);
    Outcome out = executor.apply(start(1, LARGE.name(), 1));
    assertFalse(out.accepted());
    assertEquals("No Deployment \"llm-a100-x2\" (kind \"a100-x2\") in namespace \"serving\".", out.detail());
  }

  @Test
  void deploymentDeletedInBetweenIsARefusalNotAnException() {
    smallPods(1, 0);
    // Someone deletes the Deployment after the executor read it and before its patch arrives.
    cluster.beforeNextPatch("/deployments/" + SMALL.deployment(), c -> c.storeRequest(HttpMethod.DELETE,
        FakeCluster.deploymentPath(SMALL.deployment()), "application/json", ""));
    Outcome out = executor.apply(start(1, SMALL.name(), 1));
    assertFalse(out.accepted());
    assertEquals("No Deployment \"llm-a100-x1\" (kind \"a100-x1\") in namespace \"serving\". It was deleted while "
        + "being scaled (HTTP 404, Not Found).", out.detail());
  }

  @Test
  void serverErrorIsARefusalWithTheServersMessage() {
    smallPods(1, 0);
    cluster.server.expect().patch().withPath(FakeCluster.deploymentPath(SMALL.deployment()))
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage("deployments.apps "
            + "\"llm-a100-x1\" is forbidden: User \"scaler\" cannot patch resource \"deployments\"").build())
        .once();
    Outcome out = executor.apply(start(1, SMALL.name(), 1));
    assertFalse(out.accepted());
    assertTrue(out.detail().contains("HTTP 403") && out.detail().contains("cannot patch resource"), out.detail());
    assertEquals(1, cluster.replicas(SMALL));
  }

  // ---- Concurrency -------------------------------------------------------------------------------------------

  @Test
  void aConflictingWriteInBetweenIsRetriedNotLost() {
    smallPods(1, 0);
    // Another writer sets replicas to 11 between the executor's read (1) and its patch: the patch carries the old
    // resourceVersion, gets 409, and the executor reads 11 and adds its 2.
    cluster.beforeNextPatch("/deployments/" + SMALL.deployment(), c -> c.storeRequest(HttpMethod.PATCH,
        FakeCluster.deploymentPath(SMALL.deployment()), "application/merge-patch+json", "{\"spec\":{\"replicas\":11}}"));
    Outcome out = executor.apply(start(1, SMALL.name(), 2));
    assertTrue(out.accepted(), out.detail());
    assertEquals("Deployment \"llm-a100-x1\": replicas 11 -> 13.", out.detail());
    assertEquals(13, cluster.replicas(SMALL));
  }

  @Test
  void concurrentStartsOnOneExecutorLoseNoIncrement() throws Exception {
    smallPods(1, 0);
    // 8 threads each start 1 instance 5 times: 1 + 8 x 5 = 41 replicas.
    assertEquals(41, startConcurrently(List.of(executor), 8, 5));
  }

  @Test
  void concurrentStartsFromSeveralExecutorsLoseNoIncrement() throws Exception {
    smallPods(1, 0);
    // 3 executors (as if 3 processes) share the Deployment, one thread each, 4 starts of 1 each: their patches
    // conflict (409) and are retried. 1 + 3 x 4 = 13 replicas.
    assertEquals(13, startConcurrently(List.of(executor, executor(true), executor(true)), 3, 4));
  }

  /** Threads (round-robin over the executors) each apply {@code starts} STARTs of 1; returns the replicas after. */
  int startConcurrently(List<KubernetesScalingExecutor> executors, int threads, int starts) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<Outcome>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      KubernetesScalingExecutor e = executors.get(t % executors.size());
      long first = 100L * t;
      futures.add(pool.submit(() -> {
        go.await();
        List<Outcome> outs = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
          outs.add(e.apply(start(first + i, SMALL.name(), 1)));
        }
        return outs;
      }));
    }
    go.countDown();
    try {
      for (Future<List<Outcome>> f : futures) {
        for (Outcome o : f.get(30, TimeUnit.SECONDS)) {
          assertTrue(o.accepted(), o.detail());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return cluster.replicas(SMALL);
  }

  // ---- cancel ------------------------------------------------------------------------------------------------

  @Test
  void cancelOfAStartLowersReplicasByTheInstancesStillLoading() {
    smallPods(2, 0);
    ScalingAction start = start(1, SMALL.name(), 3);
    assertTrue(executor.apply(start).accepted());
    cluster.reconcile();
    cluster.markReady(SMALL.name(), 1);
    // 5 replicas: 3 Ready, 2 still loading; cancel takes away min(3 asked, 2 loading) = 2.
    executor.cancel(start);
    assertEquals(3, cluster.replicas(SMALL));
    assertEquals(-2, cluster.reconcile());
    assertArrayEquals(new int[] {3, 0}, executor.readyPerKind());
    assertArrayEquals(new int[] {0, 0}, executor.loadingPerKind());

    // Nothing loading: nothing to undo.
    executor.cancel(start);
    assertEquals(3, cluster.replicas(SMALL));
  }

  @Test
  void cancelOfAResizeDeletesNotReadyPodsAndPutsBackPendingOnes() {
    smallPods(3, 0);
    ScalingAction resize = resize(4, SMALL.name(), LARGE.name(), 3);
    assertTrue(executor.apply(resize).accepted());
    // -001 restarts (not Ready), -002 waits on the kubelet (PodResizePending), -003 is done.
    cluster.setCondition("llm-a100-x1-001", "Ready", false);
    cluster.setCondition("llm-a100-x1-002", "PodResizePending", true);
    executor.cancel(resize);

    assertNull(cluster.pod("llm-a100-x1-001"));
    Pod back = cluster.pod("llm-a100-x1-002");
    assertEquals(SMALL.name(), back.getMetadata().getLabels().get(KubernetesScalingExecutor.KIND_LABEL));
    assertArrayEquals(new int[] {1, 1}, FakeCluster.gpus(back, "server", GPU));
    Pod done = cluster.pod("llm-a100-x1-003");
    assertEquals(LARGE.name(), done.getMetadata().getLabels().get(KubernetesScalingExecutor.KIND_LABEL));
    assertArrayEquals(new int[] {2, 2}, FakeCluster.gpus(done, "server", GPU));
    // The small Deployment gave up its 3 pods at the resize (3 -> 0); -002 serves on as a resized pod of a100-x1.
    assertEquals(0, cluster.replicas(SMALL));
    assertEquals(0, cluster.reconcile());
    assertArrayEquals(new int[] {1, 1}, executor.readyPerKind());
  }

  // ---- Counting ----------------------------------------------------------------------------------------------

  @Test
  void countsSkipTerminatingAndFinishedPods() {
    cluster.deploy(SMALL, 0);
    String kind = KubernetesScalingExecutor.KIND_LABEL;
    cluster.client.pods().inNamespace(NS).resource(bare("ready", true, "Running")).create();
    cluster.client.pods().inNamespace(NS).resource(bare("no-conditions", false, "Pending")).create();
    cluster.client.pods().inNamespace(NS).resource(bare("failed", true, "Failed")).create();
    cluster.client.pods().inNamespace(NS).resource(bare("succeeded", false, "Succeeded")).create();
    Pod held = new PodBuilder(bare("terminating", true, "Running")).editMetadata().addToFinalizers("example.com/hold")
        .endMetadata().build();
    cluster.client.pods().inNamespace(NS).resource(held).create();
    cluster.client.pods().inNamespace(NS).withName("terminating").delete();
    assertTrue(cluster.pod("terminating").getMetadata().getDeletionTimestamp() != null);
    Pod other = new PodBuilder(bare("other-kind", true, "Running")).editMetadata().addToLabels(kind, "t4-x1")
        .endMetadata().build();
    cluster.client.pods().inNamespace(NS).resource(other).create();

    assertArrayEquals(new int[] {1, 0}, executor.readyPerKind());
    assertArrayEquals(new int[] {1, 0}, executor.loadingPerKind());
  }

  /** A pod of kind a100-x1 not made by a Deployment; Ready per {@code ready}, no conditions at all when not Ready. */
  static Pod bare(String name, boolean ready, String phase) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName(name).addToLabels(KubernetesScalingExecutor.KIND_LABEL,
        SMALL.name()).endMetadata().withNewSpec().addNewContainer().withName("server").withImage("x").endContainer()
        .endSpec().withNewStatus().withPhase(phase).endStatus();
    if (ready) {
      b.editStatus().addToConditions(FakeCluster.condition("Ready", true)).endStatus();
    }
    return b.build();
  }

  // ---- Construction ------------------------------------------------------------------------------------------

  @Test
  void constructionRejectsDuplicateKindsSharedDeploymentsAndBadNamespaces() {
    var client = cluster.client;
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> new KubernetesScalingExecutor(client, NS, List.of(SMALL, SMALL), true));
    assertEquals("The kind \"a100-x1\" is bound twice (bindings 0 and 1); each kind needs exactly one binding.",
        twice.getMessage());
    IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
        () -> new KubernetesScalingExecutor(client, NS, List.of(SMALL, KindBinding.of("b", SMALL.deployment(),
            "server", 2)), true));
    assertTrue(shared.getMessage().contains("\"a100-x1\" and \"b\" both name Deployment \"llm-a100-x1\""),
        shared.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> new KubernetesScalingExecutor(client, NS, List.of(), true));
    assertEquals("The bindings (none) must name at least one kind.", none.getMessage());
    IllegalArgumentException ns = assertThrows(IllegalArgumentException.class,
        () -> new KubernetesScalingExecutor(client, "Serving", List.of(SMALL), true));
    assertTrue(ns.getMessage().startsWith("The namespace (\"Serving\") must be"), ns.getMessage());
  }
}

package dev.scaleplan.adapters.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster for tests: fabric8's mock API server in CRUD mode (it stores objects and runs no controllers), plus this
 * class playing the Deployment controller and the kubelet, driven by the test step by step.
 *
 * <ul>
 *   <li>{@link #reconcile()} is the Deployment/ReplicaSet controller: it releases pods its selector (plus
 *       {@value #HASH}'s {@code pod-template-hash}) no longer matches, creates pods from each Deployment's template
 *       up to its replicas (named {@code <deployment>-001}, {@code -002}, ..., not Ready) and deletes surplus ones,
 *       not-ready before ready, then newest first, as Kubernetes' ReplicaSet ranks them.</li>
 *   <li>{@link #markReady} is the kubelet: the first n loading pods of a kind, by name, become Ready.</li>
 *   <li>The mock knows no {@code pods/resize} subresource, so the dispatcher answers it as the test chooses
 *       ({@link ResizeSupport}); it can also run a step just before the next PATCH of a path, to play another writer
 *       or a deletion in between.</li>
 * </ul>
 */
final class FakeCluster implements AutoCloseable {
  static final String NS = "serving";
  static final String HASH = "h1";
  static final String APP = "llm";

  /** How the API server answers {@code PATCH pods/<name>/resize}. */
  enum ResizeSupport {
    /** Kubernetes 1.33+ allowing the change: the patch is applied to the pod. */
    SUBRESOURCE,
    /** A cluster before 1.33: 404, so the executor patches the pod itself (which the mock accepts). */
    POD_PATCH_ONLY,
    /** A cluster that refuses resizing GPUs in place: 422 with a reason. */
    FORBIDDEN
  }

  /** The message of the 422 in {@link ResizeSupport#FORBIDDEN}, shaped like the API server's validation errors. */
  static final String FORBIDDEN_MESSAGE = "Pod \"%s\" is invalid: spec.containers[1].resources: Forbidden: only cpu "
      + "and memory resources are mutable";

  // The mock server logs every request at INFO through java.util.logging; keep the loggers (strongly) at WARNING.
  private static final List<Logger> QUIET = List.of(Logger.getLogger("io.fabric8.mockwebserver"));

  static {
    QUIET.forEach(l -> l.setLevel(Level.WARNING));
  }

  private static final Pattern RESIZE_PATH = Pattern.compile("(/api/v1/namespaces/[^/]+/pods/[^/?]+)/resize(\\?.*)?");

  final KubernetesMockServer server;
  final KubernetesClient client;
  private final KubernetesMixedDispatcher crud;
  private final Map<String, AtomicInteger> perDeployment = new HashMap<>();
  private volatile ResizeSupport resize = ResizeSupport.SUBRESOURCE;
  private final AtomicReference<Map.Entry<String, Consumer<FakeCluster>>> beforePatch = new AtomicReference<>();
  private final Set<String> refuseResizeOnce = ConcurrentHashMap.newKeySet();

  FakeCluster() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    crud = new KubernetesMixedDispatcher(responses);
    Dispatcher dispatcher = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return FakeCluster.this.dispatch(request);
      }
    };
    server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, dispatcher, false);
    server.init();
    client = server.createClient();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }

  void resizeSupport(ResizeSupport support) {
    this.resize = support;
  }

  /** Refuses the next resize of the pod (422, as {@link ResizeSupport#FORBIDDEN}), whatever the support. */
  void refuseNextResizeOf(String pod) {
    refuseResizeOnce.add(pod);
  }

  /** Runs {@code step} once, just before the API server handles the next PATCH whose path ends with the suffix. */
  void beforeNextPatch(String pathSuffix, Consumer<FakeCluster> step) {
    beforePatch.set(Map.entry(pathSuffix, step));
  }

  private MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath();
    if (request.method() == HttpMethod.PATCH) {
      Map.Entry<String, Consumer<FakeCluster>> hook = beforePatch.get();
      if (hook != null && path.split("\\?")[0].endsWith(hook.getKey()) && beforePatch.compareAndSet(hook, null)) {
        hook.getValue().accept(this);
      }
      Matcher m = RESIZE_PATH.matcher(path);
      if (m.matches()) {
        String pod = m.group(1).substring(m.group(1).lastIndexOf('/') + 1);
        if (refuseResizeOnce.remove(pod)) {
          return status(422, "Invalid", String.format(FORBIDDEN_MESSAGE, pod));
        }
        switch (resize) {
          case SUBRESOURCE:
            return crud.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), m.group(1),
                request.getHeaders(), new Buffer(request.getBody().getBytes())));
          case POD_PATCH_ONLY:
            return status(404, "NotFound", "the server could not find the requested resource");
          case FORBIDDEN:
            return status(422, "Invalid", String.format(FORBIDDEN_MESSAGE, pod));
          default:
            throw new AssertionError(resize);
        }
      }
    }
    return crud.dispatch(request);
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
        + "\"Failure\",\"code\":" + code + ",\"reason\":\"" + reason + "\",\"message\":\"" + message.replace("\"",
        "\\\"") + "\"}");
  }

  /**
   * Writes straight to the store, bypassing the dispatcher (for steps run inside it, where a client call would wait
   * on the server's own thread).
   */
  void storeRequest(HttpMethod method, String path, String contentType, String body) {
    Headers headers = Headers.builder().add("Content-Type", contentType).build();
    crud.dispatch(new RecordedRequest("HTTP/1.1", method, path, headers, new Buffer(body.getBytes())));
  }

  static String deploymentPath(String name) {
    return "/apis/apps/v1/namespaces/" + NS + "/deployments/" + name;
  }

  // ---- Objects -----------------------------------------------------------------------------------------------

  /**
   * A Deployment for the kind: selector and template labels app=llm and the kind label; a sidecar, then the GPU
   * container (index 1) requesting 4 cpu and the kind's GPUs.
   */
  Deployment deploy(KindBinding b, int replicas) {
    return deploy(b, replicas, true);
  }

  Deployment deploy(KindBinding b, int replicas, boolean kindLabelInTemplate) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", APP);
    if (kindLabelInTemplate) {
      labels.put(KubernetesScalingExecutor.KIND_LABEL, b.name());
    }
    Container c = new ContainerBuilder().withName(b.container()).withImage("vllm/vllm-openai:v0.9")
        .withNewResources()
        .addToRequests("cpu", new Quantity("4"))
        .addToRequests(b.gpuResource(), new Quantity(Integer.toString(b.gpusPerInstance())))
        .addToLimits(b.gpuResource(), new Quantity(Integer.toString(b.gpusPerInstance())))
        .endResources().build();
    Deployment d = new DeploymentBuilder()
        .withNewMetadata().withName(b.deployment()).withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("sidecar").withImage("envoyproxy/envoy:v1.34").endContainer()
        .addToContainers(c).endSpec()
        .endTemplate().endSpec().build();
    return client.apps().deployments().inNamespace(NS).resource(d).create();
  }

  int replicas(KindBinding b) {
    return client.apps().deployments().inNamespace(NS).withName(b.deployment()).get().getSpec().getReplicas();
  }

  List<Pod> pods() {
    return client.pods().inNamespace(NS).list().getItems().stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();
  }

  List<Pod> pods(String kind) {
    return pods().stream()
        .filter(p -> kind.equals(p.getMetadata().getLabels().get(KubernetesScalingExecutor.KIND_LABEL))).toList();
  }

  Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  /** The pod's GPUs as {requests, limits} of the resource in the container, 0 where absent. */
  static int[] gpus(Pod p, String container, String resource) {
    Container c = p.getSpec().getContainers().stream().filter(x -> x.getName().equals(container)).findFirst()
        .orElseThrow();
    Map<String, Quantity> req = c.getResources().getRequests();
    Map<String, Quantity> lim = c.getResources().getLimits();
    return new int[] {req.containsKey(resource) ? Integer.parseInt(req.get(resource).getAmount()) : 0,
        lim.containsKey(resource) ? Integer.parseInt(lim.get(resource).getAmount()) : 0};
  }

  // ---- The Deployment controller -----------------------------------------------------------------------------

  /** One pass of the Deployment controller over every Deployment; returns pods created minus pods deleted. */
  int reconcile() {
    int net = 0;
    List<Pod> all = pods();
    for (Deployment d : client.apps().deployments().inNamespace(NS).list().getItems()) {
      String uid = d.getMetadata().getUid();
      int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
      List<Pod> owned = new ArrayList<>();
      for (Pod p : all) {
        if (p.getMetadata().getOwnerReferences().stream().noneMatch(o -> uid.equals(o.getUid()))) {
          continue;
        }
        if (selects(d, p)) {
          owned.add(p);
        } else {
          client.pods().inNamespace(NS).withName(p.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON),
              "[{\"op\":\"remove\",\"path\":\"/metadata/ownerReferences\"}]");
        }
      }
      List<Pod> live = owned.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
      for (int i = live.size(); i < replicas; i++) {
        create(d);
        net++;
      }
      if (live.size() > replicas) {
        List<Pod> ranked = new ArrayList<>(live);
        ranked.sort(Comparator.comparing(FakeCluster::ready)
            .thenComparing(Comparator.comparing((Pod p) -> p.getMetadata().getName()).reversed()));
        for (Pod p : ranked.subList(0, live.size() - replicas)) {
          client.pods().inNamespace(NS).withName(p.getMetadata().getName()).delete();
          net--;
        }
      }
    }
    return net;
  }

  private static boolean selects(Deployment d, Pod p) {
    Map<String, String> labels = p.getMetadata().getLabels();
    return HASH.equals(labels.get(KubernetesScalingExecutor.TEMPLATE_HASH_LABEL))
        && d.getSpec().getSelector().getMatchLabels().entrySet().stream()
        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private void create(Deployment d) {
    String name = d.getMetadata().getName();
    int n = perDeployment.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
    Map<String, String> labels = new LinkedHashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
    labels.put(KubernetesScalingExecutor.TEMPLATE_HASH_LABEL, HASH);
    OwnerReference owner = new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
        .withName(name).withUid(d.getMetadata().getUid()).withController(true).build();
    Pod p = new PodBuilder()
        .withNewMetadata().withName(String.format("%s-%03d", name, n)).withNamespace(NS).withLabels(labels)
        .withOwnerReferences(owner).endMetadata()
        .withSpec(d.getSpec().getTemplate().getSpec())
        .withNewStatus().withPhase("Running").withConditions(condition("Ready", false)).endStatus()
        .build();
    client.pods().inNamespace(NS).resource(p).create();
  }

  // ---- The kubelet -------------------------------------------------------------------------------------------

  /** Marks the first {@code n} loading pods of the kind, by name, Ready; returns how many it marked. */
  int markReady(String kind, int n) {
    int marked = 0;
    for (Pod p : pods(kind)) {
      if (marked == n) {
        break;
      }
      if (!ready(p) && p.getMetadata().getDeletionTimestamp() == null) {
        setCondition(p.getMetadata().getName(), "Ready", true);
        marked++;
      }
    }
    return marked;
  }

  void markAllReady() {
    for (Pod p : pods()) {
      if (!ready(p)) {
        setCondition(p.getMetadata().getName(), "Ready", true);
      }
    }
  }

  /** Sets (adds or replaces) one condition of a pod, through the status subresource. */
  void setCondition(String pod, String type, boolean value) {
    client.pods().inNamespace(NS).withName(pod).editStatus(p -> {
      List<PodCondition> cs = new ArrayList<>(p.getStatus().getConditions());
      cs.removeIf(c -> type.equals(c.getType()));
      cs.add(condition(type, value));
      p.getStatus().setConditions(cs);
      return p;
    });
  }

  static PodCondition condition(String type, boolean value) {
    return new PodConditionBuilder().withType(type).withStatus(value ? "True" : "False").build();
  }

  static boolean ready(Pod p) {
    return p.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}

package dev.scaleplan.adapters.kubernetes;

import dev.scaleplan.api.ScalingAction;
import dev.scaleplan.api.ScalingExecutor;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Carries out a controller's {@link ScalingAction}s on a Kubernetes cluster through the fabric8 client: each catalog
 * kind is one Deployment ({@link KindBinding}), its instances are that Deployment's pods, and every pod carries its
 * kind's name in the label {@value #KIND_LABEL} (the Deployment's pod template must carry it, so that new pods do).
 *
 * <h2>The mapping</h2>
 * <ul>
 *   <li><b>START</b> n x K raises the replicas of K's Deployment by n. <b>STOP</b> n x K lowers them by n, never below
 *       0: it is refused when the Deployment has fewer replicas (plus resized pods of K, below) than n. Both are a
 *       read-modify-write of {@code spec.replicas} sent as a merge patch that carries the {@code resourceVersion}
 *       read, so the API server rejects it (409 Conflict) when anyone changed the Deployment in between; the executor
 *       then reads again and retries after a short random pause, for up to 5 s (each conflict is
 *       another write that got through, so this ends). No increment is lost to a concurrent edit, from this executor
 *       or another process.</li>
 *   <li><b>RESIZE</b> n x A to B (only when constructed with {@code inPlaceResize}) picks n pods of kind A that are
 *       Ready and not already resizing, preferring pods resized before and then by name, and for each changes the
 *       container's requests and limits of A's GPU resource to B's ({@code spec.containers[i].resources}, a JSON patch
 *       sent to the {@code pods/resize} subresource of Kubernetes 1.33 and later, or to the pod itself where the
 *       subresource does not exist: 1.27 to 1.32 with the alpha gate). If any pod is refused, the pods already
 *       changed are put back and the action is refused with the server's reason, so the controller falls back to a
 *       horizontal step. Then each pod is relabelled B, loses its {@code pod-template-hash} label, which releases it
 *       from A's ReplicaSet for good (no ReplicaSet adopts it again), and is annotated {@value #RESIZE_ANNOTATION}
 *       with the action's id. Last, A's replicas are lowered by the number of pods that came from A's Deployment, so
 *       that its ReplicaSet does not replace them (it may start a replacement in the moment between the relabel and
 *       the patch, and deletes it again, not-ready pods first). Such <em>resized pods</em> belong to no Deployment:
 *       a STOP of their kind deletes them first (not-ready ones first), before lowering the Deployment's replicas.</li>
 * </ul>
 *
 * <p>{@link #apply} never throws for the cluster's sake: every {@link KubernetesClientException} (a refusal, a
 * missing object, a timeout) becomes {@link Outcome#refused} with the server's message, and so do an unknown kind
 * name, a Deployment that does not exist, or one whose pod template lacks the kind label. It returns as soon as the
 * change is asked for; whether pods load is learnt from {@link #readyPerKind()} and {@link #loadingPerKind()}, which
 * count the pods of each kind by label, in the bindings' order: a pod whose condition {@code Ready} is {@code True}
 * is ready, any other is loading, and a pod being deleted (with a {@code deletionTimestamp}) or finished (phase
 * {@code Succeeded} or {@code Failed}) is neither.
 *
 * <h2>Cancelling</h2>
 * {@link #cancel} of a START n x K lowers K's replicas by the number of K's pods still loading, at most n (and never
 * below 0): those are the instances not serving, counted rather than named, since a Deployment's replicas carry no
 * memory of which action asked for them. Kubernetes' ReplicaSet deletes unscheduled, pending and not-ready pods before
 * ready ones, so it is normally the loading pods that go; if another START of K is loading at the same time, the
 * pods that go may be its, which leaves the same count. {@code cancel} of a RESIZE looks up the pods the action changed
 * (by the annotation) that are still of kind B: one not Ready is deleted (nothing replaces it, it belongs to no
 * Deployment); one Ready whose resize the kubelet has not completed (condition {@code PodResizePending} or
 * {@code PodResizeInProgress}, or the older {@code status.resize}) is put back to A's GPUs and label and keeps serving
 * as a resized pod of A; one Ready and resized is left alone, since it serves as B. A STOP is not cancelled. Cluster
 * errors in {@code cancel} propagate as {@link KubernetesClientException} (the controller ignores them; its next
 * observation shows what is left).
 *
 * <h2>Limits</h2>
 * <ul>
 *   <li>Which pods go when replicas are lowered is Kubernetes' choice (the ReplicaSet's ranking: not-ready before
 *       ready, then more recently ready, more restarts, newer), not the executor's; annotate pods with
 *       {@code controller.kubernetes.io/pod-deletion-cost} to steer it. Draining a pod (finishing its requests) is
 *       its termination grace period's job (a {@code preStop} hook).</li>
 *   <li>In-place resize needs a cluster with {@code InPlacePodVerticalScaling}: alpha from Kubernetes 1.27 (off by
 *       default), beta and on by default from 1.33, and even then only for CPU and memory. Extended resources such as
 *       {@code nvidia.com/gpu} are in general not resizable in place (device plugins allocate devices when a pod
 *       starts), so expect a real cluster to refuse a RESIZE and the controller to fall back to a horizontal step;
 *       construct the executor with {@code inPlaceResize} off to refuse at once without asking. A RESIZE is also
 *       refused between kinds whose bindings name different containers.</li>
 *   <li>The executor needs permission to get and patch {@code deployments} and to list, patch and delete
 *       {@code pods} and patch {@code pods/resize} in its namespace.</li>
 * </ul>
 *
 * <p>Thread-safe: {@link #apply}, {@link #cancel} and the counts are synchronized on the executor, and other writers
 * of the same Deployments are handled by the optimistic concurrency above. {@link #close()} does nothing: the client
 * belongs to the caller.
 */
public final class KubernetesScalingExecutor implements ScalingExecutor {

  /** The label that names a pod's kind. */
  public static final String KIND_LABEL = "scaleplan.dev/kind";

  /** The annotation that marks a pod resized in place: the id of the action that resized it. */
  public static final String RESIZE_ANNOTATION = "scaleplan.dev/resize-action";

  /** The label by which a Deployment's ReplicaSet selects its pods. */
  static final String TEMPLATE_HASH_LABEL = "pod-template-hash";

  /** How long a replica update keeps retrying on conflicts; each conflict means another writer got through. */
  private static final long RETRY_NANOS = 5_000_000_000L;
  private static final int HTTP_NOT_FOUND = 404;
  private static final int HTTP_CONFLICT = 409;

  private final KubernetesClient client;
  private final String namespace;
  private final List<KindBinding> bindings;
  private final Map<String, Integer> indexByName;
  private final boolean inPlaceResize;

  /**
   * @param client the cluster; the caller keeps and closes it
   * @param namespace the namespace of the Deployments and pods
   * @param bindings one per catalog kind, with distinct names and distinct Deployments; {@link #readyPerKind()} and
   *     {@link #loadingPerKind()} follow their order
   * @param inPlaceResize whether RESIZE actions are tried (true) or refused at once (false)
   */
  public KubernetesScalingExecutor(KubernetesClient client, String namespace, List<KindBinding> bindings,
      boolean inPlaceResize) {
    this.client = Objects.requireNonNull(client, "client");
    Objects.requireNonNull(namespace, "namespace");
    if (namespace.length() > 63 || !namespace.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
      throw new IllegalArgumentException("The namespace (\"" + namespace + "\") must be a Kubernetes namespace name: "
          + "1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit.");
    }
    this.namespace = namespace;
    this.bindings = List.copyOf(Objects.requireNonNull(bindings, "bindings"));
    if (this.bindings.isEmpty()) {
      throw new IllegalArgumentException("The bindings (none) must name at least one kind.");
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    Map<String, String> kindByDeployment = new LinkedHashMap<>();
    for (int k = 0; k < this.bindings.size(); k++) {
      KindBinding b = this.bindings.get(k);
      if (index.putIfAbsent(b.name(), k) != null) {
        throw new IllegalArgumentException("The kind \"" + b.name() + "\" is bound twice (bindings " + index.get(
            b.name()) + " and " + k + "); each kind needs exactly one binding.");
      }
      String other = kindByDeployment.putIfAbsent(b.deployment(), b.name());
      if (other != null) {
        throw new IllegalArgumentException("The kinds \"" + other + "\" and \"" + b.name() + "\" both name Deployment \""
            + b.deployment() + "\"; each kind needs its own Deployment, whose replicas are its instances.");
      }
    }
    this.indexByName = Map.copyOf(index);
    this.inPlaceResize = inPlaceResize;
  }

  /** The bindings, in the order of {@link #readyPerKind()} and {@link #loadingPerKind()}. */
  public List<KindBinding> bindings() {
    return bindings;
  }

  /** The namespace of the Deployments and pods. */
  public String namespace() {
    return namespace;
  }

  /** Whether RESIZE actions are tried rather than refused at once. */
  public boolean inPlaceResize() {
    return inPlaceResize;
  }

  /**
   * Asks the cluster for the action (see the class comment for the mapping) and returns without waiting for pods.
   *
   * @return accepted with what changed in words, or refused with the reason; never throws for cluster errors
   */
  @Override
  public synchronized Outcome apply(ScalingAction action) {
    Objects.requireNonNull(action, "action");
    try {
      return switch (action.type()) {
        case START -> start(action);
        case STOP -> stop(action);
        case RESIZE -> resize(action);
      };
    } catch (Refused r) {
      return Outcome.refused(r.getMessage());
    } catch (KubernetesClientException e) {
      return Outcome.refused("Kubernetes refused to " + what(action) + ": " + serverMessage(e));
    }
  }

  /**
   * Undoes what remains of a START or RESIZE the controller gave up on, by the rules of the class comment; a STOP, an
   * unknown kind or a missing Deployment leave nothing to do.
   *
   * @throws KubernetesClientException when the cluster refuses a step
   */
  @Override
  public synchronized void cancel(ScalingAction action) {
    Objects.requireNonNull(action, "action");
    try {
      switch (action.type()) {
        case START -> cancelStart(action);
        case RESIZE -> cancelResize(action);
        case STOP -> { }
      }
    } catch (Refused r) {
      // An unknown kind or a Deployment that is gone: nothing this executor started is left to undo.
    }
  }

  /** The Ready pods of each kind, in the bindings' order (see the class comment for what counts). */
  public synchronized int[] readyPerKind() {
    return counts()[0];
  }

  /** The pods of each kind not Ready yet, in the bindings' order (see the class comment for what counts). */
  public synchronized int[] loadingPerKind() {
    return counts()[1];
  }

  // ---- START, STOP -------------------------------------------------------------------------------------------

  private Outcome start(ScalingAction a) throws Refused {
    KindBinding b = binding(a.toName(), a);
    int[] r = updateReplicas(b, (before, d) -> {
      requireTemplateLabel(b, d);
      return before + a.count();
    });
    return accepted("Deployment \"" + b.deployment() + "\": replicas " + r[0] + " -> " + r[1] + ".");
  }

  private Outcome stop(ScalingAction a) throws Refused {
    KindBinding b = binding(a.fromName(), a);
    List<Pod> resized = pods(b.name()).stream().filter(p -> active(p) && resizedPod(p))
        .sorted(Comparator.comparing(KubernetesScalingExecutor::ready).thenComparing(KubernetesScalingExecutor::name))
        .toList();
    int fromResized = Math.min(a.count(), resized.size());
    int fromDeployment = a.count() - fromResized;
    StringBuilder done = new StringBuilder();
    if (fromDeployment > 0) {
      int[] r = updateReplicas(b, (before, d) -> {
        if (before < fromDeployment) {
          throw new Refused("Cannot " + what(a) + ": Deployment \"" + b.deployment() + "\" has " + before
              + " replicas" + (resized.isEmpty() ? "" : " and there are " + resized.size() + " resized pods of kind \""
              + b.name() + "\"") + ", fewer than " + a.count() + ".");
        }
        return before - fromDeployment;
      });
      done.append("Deployment \"").append(b.deployment()).append("\": replicas ").append(r[0]).append(" -> ")
          .append(r[1]).append('.');
    }
    if (fromResized > 0) {
      List<String> names = new ArrayList<>();
      for (Pod p : resized.subList(0, fromResized)) {
        client.pods().inNamespace(namespace).withName(name(p)).delete();
        names.add(name(p));
      }
      done.append(done.length() > 0 ? " " : "").append("Deleted resized pods ").append(names).append('.');
    }
    return accepted(done.toString());
  }

  private void cancelStart(ScalingAction a) throws Refused {
    KindBinding b = binding(a.toName(), a);
    long loading = pods(b.name()).stream().filter(p -> active(p) && !ready(p) && !resizedPod(p)).count();
    int drop = (int) Math.min(a.count(), loading);
    if (drop > 0) {
      updateReplicas(b, (before, d) -> before - Math.min(drop, before));
    }
  }

  /** What decides the new replicas from the current ones; may refuse. */
  @FunctionalInterface
  private interface ReplicaRule {
    int next(int before, Deployment d) throws Refused;
  }

  /**
   * Sets the replicas of b's Deployment by the rule, with optimistic concurrency: the patch carries the
   * resourceVersion read, a conflict reads again.
   *
   * @return the replicas before and after
   */
  private int[] updateReplicas(KindBinding b, ReplicaRule rule) throws Refused {
    long deadline = System.nanoTime() + RETRY_NANOS;
    for (int attempt = 1; ; attempt++) {
      Deployment d = client.apps().deployments().inNamespace(namespace).withName(b.deployment()).get();
      if (d == null) {
        throw new Refused(noDeployment(b));
      }
      // The API server defaults an absent spec.replicas to 1.
      Integer current = d.getSpec() == null ? null : d.getSpec().getReplicas();
      int before = current == null ? 1 : current;
      int after = rule.next(before, d);
      if (after == before) {
        return new int[] {before, after};
      }
      String patch = json(Map.of("metadata", Map.of("resourceVersion", d.getMetadata().getResourceVersion()),
          "spec", Map.of("replicas", after)));
      try {
        client.apps().deployments().inNamespace(namespace).withName(b.deployment())
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        return new int[] {before, after};
      } catch (KubernetesClientException e) {
        if (e.getCode() == HTTP_NOT_FOUND) {
          throw new Refused(noDeployment(b) + " It was deleted while being scaled (" + serverMessage(e) + ").");
        }
        if (e.getCode() != HTTP_CONFLICT || System.nanoTime() - deadline > 0) {
          throw e;
        }
      }
      pause(attempt);
    }
  }

  private String noDeployment(KindBinding b) {
    return "No Deployment \"" + b.deployment() + "\" (kind \"" + b.name() + "\") in namespace \"" + namespace + "\".";
  }

  private void requireTemplateLabel(KindBinding b, Deployment d) throws Refused {
    Map<String, String> labels = d.getSpec() == null || d.getSpec().getTemplate() == null
        || d.getSpec().getTemplate().getMetadata() == null ? null : d.getSpec().getTemplate().getMetadata().getLabels();
    if (labels == null || !b.name().equals(labels.get(KIND_LABEL))) {
      throw new Refused("The pod template of Deployment \"" + b.deployment() + "\" does not carry the label "
          + KIND_LABEL + "=" + b.name() + " (it has " + (labels == null ? "none" : KIND_LABEL + "=" + labels.get(
          KIND_LABEL)) + "), so its new pods would not count as kind \"" + b.name() + "\".\nMaybe add it to "
          + "spec.template.metadata.labels?");
    }
  }

  // ---- RESIZE ------------------------------------------------------------------------------------------------

  private Outcome resize(ScalingAction a) throws Refused {
    if (!inPlaceResize) {
      throw new Refused("In-place resizes are off for this executor; cannot " + what(a) + ".");
    }
    KindBinding from = binding(a.fromName(), a);
    KindBinding to = binding(a.toName(), a);
    if (!from.container().equals(to.container())) {
      throw new Refused("Cannot " + what(a) + " in place: kind \"" + from.name() + "\" runs container \""
          + from.container() + "\" and kind \"" + to.name() + "\" runs \"" + to.container() + "\"; a pod keeps its "
          + "containers.");
    }
    List<Pod> candidates = pods(from.name()).stream()
        .filter(p -> active(p) && ready(p) && !resizing(p) && containerIndex(p, from.container()) >= 0)
        .sorted(Comparator.comparing((Pod p) -> !resizedPod(p)).thenComparing(KubernetesScalingExecutor::name))
        .toList();
    if (candidates.size() < a.count()) {
      throw new Refused("Cannot " + what(a) + ": only " + candidates.size() + " pods of kind \"" + from.name()
          + "\" are Ready with container \"" + from.container() + "\" and not resizing, fewer than " + a.count()
          + ".");
    }
    List<Pod> chosen = candidates.subList(0, a.count());
    int owned = (int) chosen.stream().filter(p -> !resizedPod(p)).count();
    if (owned > 0 && client.apps().deployments().inNamespace(namespace).withName(from.deployment()).get() == null) {
      throw new Refused(noDeployment(from));
    }

    // 1. Resources, all or none.
    List<Pod> changed = new ArrayList<>();
    for (Pod p : chosen) {
      try {
        patchResources(p, resourcesPatch(p, from, to));
        changed.add(p);
      } catch (KubernetesClientException e) {
        String undone = putBack(changed, from.container());
        throw new Refused("Kubernetes refused to resize pod \"" + name(p) + "\" from kind \"" + from.name()
            + "\" to \"" + to.name() + "\" in place (action #" + a.id() + "): " + serverMessage(e) + undone
            + (e.getCode() == 422 || e.getCode() == 403 ? "\nClusters resize only cpu and memory in place as a rule, "
            + "not " + to.gpuResource() + "; start new instances instead." : ""));
      }
    }

    // 2. Labels: each pod becomes kind B and leaves A's ReplicaSet.
    List<String> names = new ArrayList<>();
    int ownedRelabelled = 0;
    KubernetesClientException failure = null;
    for (Pod p : chosen) {
      try {
        relabel(p, to.name(), a.id());
        names.add(name(p));
        ownedRelabelled += resizedPod(p) ? 0 : 1;
      } catch (KubernetesClientException e) {
        failure = e;
        putBack(List.of(p), from.container());
        break;
      }
    }

    // 3. Replicas: A's ReplicaSet must not replace the pods it lost.
    String replicas = "";
    if (ownedRelabelled > 0) {
      int drop = ownedRelabelled;
      int[] r = updateReplicas(from, (before, d) -> before - Math.min(drop, before));
      replicas = " Deployment \"" + from.deployment() + "\": replicas " + r[0] + " -> " + r[1] + ".";
    }
    if (failure != null) {
      throw new Refused("Kubernetes refused to relabel a pod for " + what(a) + ": " + serverMessage(failure)
          + "; resized " + names.size() + " of " + a.count() + " (" + String.join(", ", names) + ")." + replicas);
    }
    return accepted("Resized pods " + names + " from " + from.gpusPerInstance() + " x " + from.gpuResource() + " to "
        + to.gpusPerInstance() + " x " + to.gpuResource() + "." + replicas);
  }

  private void cancelResize(ScalingAction a) throws Refused {
    KindBinding from = binding(a.fromName(), a);
    KindBinding to = binding(a.toName(), a);
    String id = Long.toString(a.id());
    for (Pod p : pods(to.name())) {
      Map<String, String> notes = p.getMetadata().getAnnotations();
      if (!active(p) || notes == null || !id.equals(notes.get(RESIZE_ANNOTATION))) {
        continue;
      }
      if (!ready(p)) {
        client.pods().inNamespace(namespace).withName(name(p)).delete();
      } else if (resizing(p) && containerIndex(p, to.container()) >= 0) {
        patchResources(p, resourcesPatch(p, to, from));
        relabel(p, from.name(), a.id());
      }
    }
  }

  /** The JSON patch that moves container c's GPU requests and limits from kind {@code from}'s to kind {@code to}'s. */
  private String resourcesPatch(Pod p, KindBinding from, KindBinding to) {
    int i = containerIndex(p, from.container());
    ResourceRequirements r = p.getSpec().getContainers().get(i).getResources();
    Map<String, String> requests = quantities(r == null ? null : r.getRequests());
    Map<String, String> limits = quantities(r == null ? null : r.getLimits());
    for (Map<String, String> m : List.of(requests, limits)) {
      m.remove(from.gpuResource());
      m.put(to.gpuResource(), Integer.toString(to.gpusPerInstance()));
    }
    String base = "/spec/containers/" + i + "/resources";
    if (r == null) {
      return json(List.of(op("add", base, Map.of("requests", requests, "limits", limits))));
    }
    return json(List.of(op("add", base + "/requests", requests), op("add", base + "/limits", limits)));
  }

  /** The JSON patch that restores pod p's container resources as they were when p was read. */
  private String restorePatch(Pod p, String container) {
    int i = containerIndex(p, container);
    ResourceRequirements r = p.getSpec().getContainers().get(i).getResources();
    String base = "/spec/containers/" + i + "/resources";
    return json(List.of(op("add", base + "/requests", quantities(r == null ? null : r.getRequests())),
        op("add", base + "/limits", quantities(r == null ? null : r.getLimits()))));
  }

  /**
   * Sends a resources patch to the pod's resize subresource (Kubernetes 1.33 and later), or to the pod itself where
   * that subresource does not exist (404: 1.27 to 1.32, where InPlacePodVerticalScaling is an alpha gate).
   */
  private void patchResources(Pod p, String jsonPatch) {
    try {
      client.pods().inNamespace(namespace).withName(name(p)).subresource("resize")
          .patch(PatchContext.of(PatchType.JSON), jsonPatch);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HTTP_NOT_FOUND) {
        throw e;
      }
      client.pods().inNamespace(namespace).withName(name(p)).patch(PatchContext.of(PatchType.JSON), jsonPatch);
    }
  }

  /** Puts back the resources of pods resized before a refusal; says what could not be put back. */
  private String putBack(List<Pod> pods, String container) {
    List<String> failed = new ArrayList<>();
    for (Pod p : pods) {
      try {
        patchResources(p, restorePatch(p, container));
      } catch (KubernetesClientException e) {
        failed.add(name(p) + " (" + serverMessage(e) + ")");
      }
    }
    if (pods.isEmpty()) {
      return "";
    }
    return failed.isEmpty() ? "; the " + pods.size() + " pods resized before it were put back"
        : "; could not put back " + String.join(", ", failed);
  }

  /** Labels a pod with kind {@code kind}, drops its ReplicaSet's label and notes the action that resized it. */
  private void relabel(Pod p, String kind, long actionId) {
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(op("add", "/metadata/labels/" + pointer(KIND_LABEL), kind));
    Map<String, String> labels = p.getMetadata().getLabels();
    if (labels != null && labels.containsKey(TEMPLATE_HASH_LABEL)) {
      ops.add(Map.of("op", "remove", "path", "/metadata/labels/" + pointer(TEMPLATE_HASH_LABEL)));
    }
    if (p.getMetadata().getAnnotations() == null) {
      ops.add(op("add", "/metadata/annotations", Map.of(RESIZE_ANNOTATION, Long.toString(actionId))));
    } else {
      ops.add(op("add", "/metadata/annotations/" + pointer(RESIZE_ANNOTATION), Long.toString(actionId)));
    }
    client.pods().inNamespace(namespace).withName(name(p)).patch(PatchContext.of(PatchType.JSON), json(ops));
  }

  // ---- Observation -------------------------------------------------------------------------------------------

  /** Ready counts, then loading counts, per binding. */
  private int[][] counts() {
    int[][] out = new int[2][bindings.size()];
    for (Pod p : client.pods().inNamespace(namespace).withLabel(KIND_LABEL).list().getItems()) {
      Integer k = indexByName.get(p.getMetadata().getLabels().get(KIND_LABEL));
      if (k != null && active(p)) {
        out[ready(p) ? 0 : 1][k]++;
      }
    }
    return out;
  }

  private List<Pod> pods(String kind) {
    return client.pods().inNamespace(namespace).withLabel(KIND_LABEL, kind).list().getItems();
  }

  /** Neither being deleted nor finished. */
  private static boolean active(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return p.getMetadata().getDeletionTimestamp() == null && !"Succeeded".equals(phase) && !"Failed".equals(phase);
  }

  private static boolean ready(Pod p) {
    return condition(p, "Ready");
  }

  /** A resize the kubelet has not finished: the 1.33 conditions, or the alpha's status.resize. */
  private static boolean resizing(Pod p) {
    String old = p.getStatus() == null ? null : p.getStatus().getResize();
    return condition(p, "PodResizePending") || condition(p, "PodResizeInProgress") || (old != null && !old.isEmpty());
  }

  private static boolean condition(Pod p, String type) {
    List<PodCondition> conditions = p.getStatus() == null ? null : p.getStatus().getConditions();
    return conditions != null
        && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean resizedPod(Pod p) {
    Map<String, String> notes = p.getMetadata().getAnnotations();
    return notes != null && notes.containsKey(RESIZE_ANNOTATION);
  }

  private static int containerIndex(Pod p, String container) {
    List<Container> cs = p.getSpec() == null ? List.of() : p.getSpec().getContainers();
    for (int i = 0; i < cs.size(); i++) {
      if (container.equals(cs.get(i).getName())) {
        return i;
      }
    }
    return -1;
  }

  private static String name(Pod p) {
    return p.getMetadata().getName();
  }

  // ---- Helpers -----------------------------------------------------------------------------------------------

  private KindBinding binding(String kind, ScalingAction a) throws Refused {
    Integer k = indexByName.get(kind);
    if (k == null) {
      throw new Refused("Cannot " + what(a) + ": no kind named \"" + kind + "\" is bound to a Deployment here; the "
          + "bound kinds are " + bindings.stream().map(KindBinding::name).collect(Collectors.toList()) + ".");
    }
    return bindings.get(k);
  }

  private static String what(ScalingAction a) {
    String step = switch (a.type()) {
      case START -> "start " + a.count() + " x " + a.toName();
      case STOP -> "stop " + a.count() + " x " + a.fromName();
      case RESIZE -> "resize " + a.count() + " x " + a.fromName() + " to " + a.toName();
    };
    return step + " (action #" + a.id() + ")";
  }

  private static Outcome accepted(String detail) {
    return new Outcome(true, detail);
  }

  private static String serverMessage(KubernetesClientException e) {
    Status s = e.getStatus();
    String message = s != null && s.getMessage() != null && !s.getMessage().isBlank() ? s.getMessage()
        : e.getMessage();
    return (e.getCode() > 0 ? "HTTP " + e.getCode() + ", " : "") + message;
  }

  private static Map<String, String> quantities(Map<String, Quantity> m) {
    Map<String, String> out = new LinkedHashMap<>();
    if (m != null) {
      m.forEach((k, q) -> out.put(k, q.getAmount() + (q.getFormat() == null ? "" : q.getFormat())));
    }
    return out;
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("path", path);
    m.put("value", value);
    return m;
  }

  /** A JSON pointer's escaping of one key (RFC 6901). */
  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private String json(Object value) {
    return client.getKubernetesSerialization().asJson(value);
  }

  /** Sleeps 1 ms up to a bound that doubles with each attempt, to 64 ms: jittered exponential backoff. */
  private static void pause(int attempt) throws Refused {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 1 + (1L << Math.min(attempt, 6))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("Interrupted while retrying a conflicting update.");
    }
  }

  /** A refusal decided here, not by the server. */
  private static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }
}

package dev.scaleplan.adapters.kubernetes;

import dev.scaleplan.api.Checks;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the instances of one catalog kind run in Kubernetes: the Deployment whose replicas are the instances, the
 * container in its pods that holds the GPUs, and how many GPUs of which extended resource one instance asks for.
 *
 * <p>Names are checked against Kubernetes' own rules, since each ends up in an object: the kind's name is a label value
 * (pods carry it in {@value KubernetesScalingExecutor#KIND_LABEL}), the Deployment's a DNS-1123 subdomain, the
 * container's a DNS-1123 label, the GPU resource an extended resource name such as {@code nvidia.com/gpu}.
 *
 * @param name the kind's name, as the controller's catalog names it ({@code ScalingAction.toName/fromName})
 * @param deployment the Deployment that runs instances of this kind, in the executor's namespace
 * @param container the container of its pods that requests the GPUs
 * @param gpuResource the extended resource the GPUs are requested as, {@value #DEFAULT_GPU_RESOURCE} by default
 * @param gpusPerInstance how many of that resource one instance requests (and limits to), at least 1
 */
public record KindBinding(String name, String deployment, String container, String gpuResource, int gpusPerInstance) {

  /** The NVIDIA device plugin's resource: whole GPUs. */
  public static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";

  // Kubernetes' validation rules (k8s.io/apimachinery/pkg/util/validation).
  private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile(DNS_LABEL + "(\\." + DNS_LABEL + ")*");
  private static final Pattern EXTENDED_RESOURCE = Pattern.compile(DNS_SUBDOMAIN + "/" + LABEL_VALUE);

  public KindBinding {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(gpuResource, "gpuResource");
    if (name.length() > 63 || !LABEL_VALUE.matcher(name).matches()) {
      throw new IllegalArgumentException("The kind name (\"" + name + "\") must be a Kubernetes label value: 1 to 63 "
          + "letters, digits, '-', '_' or '.', starting and ending with a letter or digit, since pods carry it in the "
          + "label " + KubernetesScalingExecutor.KIND_LABEL + ".\nMaybe rename the catalog kind, e.g. \"a100-x2\"?");
    }
    if (deployment.length() > 253 || !DNS_SUBDOMAIN.matcher(deployment).matches()) {
      throw new IllegalArgumentException("The deployment of kind \"" + name + "\" (\"" + deployment + "\") must be a "
          + "Kubernetes object name: at most 253 lower-case letters, digits, '-' or '.', starting and ending with a "
          + "letter or digit.");
    }
    if (container.length() > 63 || !DNS_LABEL.matcher(container).matches()) {
      throw new IllegalArgumentException("The container of kind \"" + name + "\" (\"" + container + "\") must be a "
          + "Kubernetes container name: 1 to 63 lower-case letters, digits or '-', starting and ending with a letter "
          + "or digit.");
    }
    if (gpuResource.length() > 316 || !EXTENDED_RESOURCE.matcher(gpuResource).matches()) {
      throw new IllegalArgumentException("The GPU resource of kind \"" + name + "\" (\"" + gpuResource + "\") must be "
          + "an extended resource name, domain/name, such as \"" + DEFAULT_GPU_RESOURCE + "\" or "
          + "\"nvidia.com/mig-3g.40gb\".");
    }
    Checks.atLeast("gpusPerInstance of kind \"" + name + "\"", gpusPerInstance, 1);
  }

  /** A binding that requests whole GPUs as {@value #DEFAULT_GPU_RESOURCE}. */
  public static KindBinding of(String name, String deployment, String container, int gpusPerInstance) {
    return new KindBinding(name, deployment, container, DEFAULT_GPU_RESOURCE, gpusPerInstance);
  }
}

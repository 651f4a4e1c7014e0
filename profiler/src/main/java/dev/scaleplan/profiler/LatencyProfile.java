package dev.scaleplan.profiler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The measured latency of one model: a {@link LatencyCurve} per GPU type, parallel degree and phase, and where the
 * figures come from. Immutable; built with {@link #builder(String)}.
 */
public final class LatencyProfile {
  private final String model;
  private final String source;
  private final SortedMap<ProfileKey, LatencyCurve> curves;
  private final ModelFacts facts;

  private LatencyProfile(String model, String source, SortedMap<ProfileKey, LatencyCurve> curves, ModelFacts facts) {
    this.model = model;
    this.source = source;
    this.curves = Collections.unmodifiableSortedMap(curves);
    this.facts = facts;
  }

  /** A builder for the profile of {@code model}. */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /** The model's name, such as {@code resnet50-v1.5}. */
  public String model() {
    return model;
  }

  /** Where the figures come from (a citation); may be empty. */
  public String source() {
    return source;
  }

  /** What else is known about the model (parameter bytes, layers, activations, memory); may be {@link ModelFacts#NONE}. */
  public ModelFacts facts() {
    return facts;
  }

  /** Every curve, ordered by GPU type, parallel degree and phase. */
  public SortedMap<ProfileKey, LatencyCurve> curves() {
    return curves;
  }

  /** The curve for a key, if measured. */
  public Optional<LatencyCurve> curve(ProfileKey key) {
    return Optional.ofNullable(curves.get(key));
  }

  /**
   * The curve for a GPU type (case-insensitive), parallel degree and phase.
   *
   * @throws IllegalArgumentException naming what the profile does have, when there is no such curve
   */
  public LatencyCurve require(String gpuType, int parallelDegree, Phase phase) {
    for (Map.Entry<ProfileKey, LatencyCurve> e : curves.entrySet()) {
      ProfileKey k = e.getKey();
      if (k.gpuType().equalsIgnoreCase(gpuType) && k.parallelDegree() == parallelDegree && k.phase() == phase) {
        return e.getValue();
      }
    }
    throw new IllegalArgumentException("The profile of " + model + " has no curve for " + gpuType + " x"
        + parallelDegree + " " + phase.label() + ".\nMaybe one of " + curves.keySet() + "?");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LatencyProfile p && model.equals(p.model) && source.equals(p.source)
        && curves.equals(p.curves) && facts.equals(p.facts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, source, curves, facts);
  }

  @Override
  public String toString() {
    return "LatencyProfile{" + model + ", " + curves.keySet() + "}";
  }

  /** Collects points, then checks them all at {@link #build()}. */
  public static final class Builder {
    private final String model;
    private String source = "";
    private ModelFacts facts = ModelFacts.NONE;
    private final Map<ProfileKey, List<LatencyPoint>> points = new LinkedHashMap<>();

    private Builder(String model) {
      Objects.requireNonNull(model, "model");
      if (model.isBlank() || model.contains(",")) {
        throw new IllegalArgumentException("The model name ('" + model + "') must be non-blank, without commas.");
      }
      this.model = model.trim();
    }

    /** Where the figures come from. */
    public Builder source(String citation) {
      this.source = Objects.requireNonNull(citation, "source").trim();
      return this;
    }

    /** What else is known about the model. */
    public Builder facts(ModelFacts modelFacts) {
      this.facts = Objects.requireNonNull(modelFacts, "facts");
      return this;
    }

    /** Adds one measured point. */
    public Builder add(ProfileKey key, LatencyPoint point) {
      points.computeIfAbsent(Objects.requireNonNull(key, "key"), k -> new ArrayList<>())
          .add(Objects.requireNonNull(point, "point"));
      return this;
    }

    /** Adds one measured point. */
    public Builder add(String gpuType, int parallelDegree, Phase phase, int batchSize, double meanSeconds,
        double p99Seconds) {
      return add(new ProfileKey(gpuType, parallelDegree, phase),
          new LatencyPoint(batchSize, meanSeconds, p99Seconds));
    }

    /**
     * The profile.
     *
     * @throws IllegalArgumentException when there is no point, or a key measures a batch size twice
     */
    public LatencyProfile build() {
      if (points.isEmpty()) {
        throw new IllegalArgumentException("The profile of " + model + " has no measured point.");
      }
      SortedMap<ProfileKey, LatencyCurve> curves = new TreeMap<>();
      for (Map.Entry<ProfileKey, List<LatencyPoint>> e : points.entrySet()) {
        try {
          curves.put(e.getKey(), LatencyCurve.of(e.getValue()));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException(model + ", " + e.getKey() + ": " + ex.getMessage(), ex);
        }
      }
      return new LatencyProfile(model, source, curves, facts);
    }
  }
}

package dev.scaleplan.solvers.control;

/**
 * An autoscaler, called every period with an {@link Observation}. It answers how many instances of each catalog
 * entry it wants (ready or loading); whoever acts on it (the testkit's cluster simulator, or a controller embedded in
 * a serving framework) starts new ones (they serve once loaded) and drains surplus ones (they take no new requests and
 * leave when empty), cancelling loading ones first. The testkit's baselines (Kubernetes HPA, Knative KPA, Ray Serve)
 * and our policies implement it.
 */
public interface AutoscalingPolicy {
  /** A short name for reports. */
  String name();

  /**
   * The desired number of instances per catalog entry ({@code o.catalog()} order).
   *
   * @return an array as long as the catalog, entries at least 0
   */
  int[] decide(Observation o);

  /** A policy that never changes the initial instances. */
  static AutoscalingPolicy fixed() {
    return new AutoscalingPolicy() {
      @Override
      public String name() {
        return "fixed";
      }

      @Override
      public int[] decide(Observation o) {
        int[] want = o.ready().clone();
        for (int i = 0; i < want.length; i++) {
          want[i] += o.loading()[i];
        }
        return want;
      }
    };
  }
}

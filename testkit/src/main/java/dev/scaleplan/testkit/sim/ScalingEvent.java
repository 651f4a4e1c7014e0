package dev.scaleplan.testkit.sim;

/**
 * One change of an instance's state.
 *
 * @param seconds when
 * @param kind what
 * @param catalogEntry the instance's kind (index into the catalog)
 * @param instance the instance's number, from 0 in order of creation; -1 for a refused start
 */
public record ScalingEvent(double seconds, Kind kind, int catalogEntry, int instance) {
  /** What happened. */
  public enum Kind {
    /** Its GPUs were taken: at time 0 for the initial instances, else when the policy asked (loading starts). */
    START,
    /** It finished loading and serves. */
    READY,
    /** It was resized in place to another kind (its catalog entry is the new one). */
    RESIZE,
    /** It takes no new requests and leaves when empty. */
    DRAIN,
    /** Its GPUs were released (drained, cancelled while loading, or the end of the run). */
    STOP,
    /**
     * A start (instance -1) or an in-place growth (the instance) found no free GPUs on a host (see
     * {@link ClusterSimulator.Hosts}).
     */
    REFUSED
  }
}

package dev.scaleplan.api;

/**
 * What an adapter that scales a real deployment implements, beside {@link Executor} (which runs batches on one GPU):
 * it carries out a controller's {@link ScalingAction}s. The Kubernetes adapter is one (replicas of a Deployment per
 * kind; in-place pod resizes where the cluster allows); tests and the simulator use fakes.
 *
 * <p>{@link #apply} asks for the change and returns at once, without waiting for instances to load: the controller
 * learns that capacity arrived from its next observations, never from the executor's word, and treats an action not
 * seen done by its deadline as failed. An executor that learns of a failure early (a pod that cannot be scheduled, a
 * load that crashed) says so to the controller ({@code Autoscaler.report}).
 *
 * <p>What the controller assumes of the counts it observes afterwards (the Kubernetes adapter keeps to it): a started
 * instance counts as loading, then ready, under its kind; a resized instance counts under its new kind from the next
 * observation (loading until it serves at the new size, or ready at once if it keeps serving while it grows); a
 * drained instance leaves the counts at once; a drain removes loading instances of the kind before serving ones (as
 * a Kubernetes ReplicaSet does).
 */
public interface ScalingExecutor extends AutoCloseable {

  /**
   * What became of a request to act.
   *
   * @param accepted whether the change was asked for (true) or refused at once (false)
   * @param detail what happened, in words ("" when accepted without remark)
   */
  record Outcome(boolean accepted, String detail) {
    public Outcome {
      java.util.Objects.requireNonNull(detail, "detail");
    }

    public static Outcome ok() {
      return new Outcome(true, "");
    }

    public static Outcome refused(String why) {
      return new Outcome(false, why);
    }
  }

  /**
   * Asks for the action and returns without waiting for it to complete.
   *
   * @return {@link Outcome#ok()}, or refused with the reason (the controller then tries the next best action); an
   *     executor may also throw, which the controller treats as a refusal carrying the exception's message
   */
  Outcome apply(ScalingAction action);

  /**
   * Undoes what remains of an action the controller gave up on (a start or resize past its deadline): stops the
   * instances it asked for that are not serving, so that nothing the controller no longer counts keeps holding GPUs.
   * The default does nothing.
   */
  default void cancel(ScalingAction action) {}

  /** Releases resources; the default does nothing. */
  @Override
  default void close() {}
}

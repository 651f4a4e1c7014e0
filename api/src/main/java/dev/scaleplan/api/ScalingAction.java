package dev.scaleplan.api;

import java.util.Objects;

/**
 * One step of a scaling decision, for a {@link ScalingExecutor} to carry out: start new instances of a kind
 * (horizontal), drain instances of a kind, or resize serving instances in place from one kind to another (vertical).
 * Kinds are entries of the controller's catalog, named as the catalog names them; the executor maps each name to what
 * it manages (a Kubernetes Deployment, a pool of GPUs).
 *
 * <p>Times are on the controller's clock, in seconds. {@code expectedReadySeconds} is when the controller expects the
 * new capacity to serve (its load or resize estimate); {@code deadlineSeconds} is when it stops waiting: an action not
 * seen done by then counts as failed (reported, cancelled, retried or replaced) and its capacity is never counted.
 *
 * @param id the controller's number for the action, unique within one controller, increasing
 * @param type what to do
 * @param fromKind the catalog index of the instances resized or drained; -1 for a start
 * @param fromName that kind's name, or "" for a start
 * @param toKind the catalog index of the instances started or resized to; -1 for a drain
 * @param toName that kind's name, or "" for a drain
 * @param count how many instances, at least 1
 * @param issuedAtSeconds when the controller decided it
 * @param expectedReadySeconds when it should be done (equal to the issue time for a drain)
 * @param deadlineSeconds when it counts as failed if not done, at least the expected time
 * @param attempt 1 for a first try, 2 and up for retries
 * @param reason why, in words
 */
public record ScalingAction(long id, Type type, int fromKind, String fromName, int toKind, String toName, int count,
    double issuedAtSeconds, double expectedReadySeconds, double deadlineSeconds, int attempt, String reason) {

  /** What an action does. */
  public enum Type {
    /** Start {@code count} new instances of {@code toKind}; they serve once loaded. */
    START,
    /** Drain {@code count} instances of {@code fromKind}: no new requests; they leave when empty. */
    STOP,
    /** Resize {@code count} serving instances of {@code fromKind} to {@code toKind} in place. */
    RESIZE
  }

  public ScalingAction {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(fromName, "fromName");
    Objects.requireNonNull(toName, "toName");
    Objects.requireNonNull(reason, "reason");
    Checks.atLeast("action count", count, 1);
    Checks.atLeast("action attempt", attempt, 1);
    boolean needsFrom = type != Type.START;
    boolean needsTo = type != Type.STOP;
    if (needsFrom != fromKind >= 0 || needsTo != toKind >= 0) {
      throw new IllegalArgumentException("A " + type + " action takes " + (needsFrom ? "a" : "no") + " source kind and "
          + (needsTo ? "a" : "no") + " target kind; got from " + fromKind + ", to " + toKind + ".");
    }
    if (type == Type.RESIZE && fromKind == toKind) {
      throw new IllegalArgumentException("A resize must change the kind; got " + fromKind + " to itself.");
    }
    if (!Double.isFinite(issuedAtSeconds) || !(expectedReadySeconds >= issuedAtSeconds)
        || !(deadlineSeconds >= expectedReadySeconds) || Double.isInfinite(deadlineSeconds)) {
      throw new IllegalArgumentException("An action's times must be finite and in order: issued " + issuedAtSeconds
          + " s <= expected " + expectedReadySeconds + " s <= deadline " + deadlineSeconds + " s.");
    }
  }

  /** Seconds from the decision until the action should be done. */
  public double expectedDelaySeconds() {
    return expectedReadySeconds - issuedAtSeconds;
  }

  @Override
  public String toString() {
    String what = switch (type) {
      case START -> "start " + count + " x " + toName;
      case STOP -> "drain " + count + " x " + fromName;
      case RESIZE -> "resize " + count + " x " + fromName + " -> " + toName;
    };
    String timing = type == Type.STOP ? "" : String.format(java.util.Locale.ROOT, " (ready in %.1f s)",
        expectedDelaySeconds());
    return "#" + id + " " + what + timing + (attempt > 1 ? ", attempt " + attempt : "") + ": " + reason;
  }
}

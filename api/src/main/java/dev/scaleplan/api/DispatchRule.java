package dev.scaleplan.api;

/**
 * When a free server of a batching instance starts a batch.
 *
 * <ul>
 *   <li>{@link WorkConserving}: at once, with whatever waits (up to the max batch);
 *   <li>{@link MaxQueueDelay}: when the max batch is waiting, or when the oldest waiting request has waited the delay,
 *       whichever comes first; like Triton's {@code max_queue_delay_microseconds}.
 * </ul>
 */
public sealed interface DispatchRule permits DispatchRule.WorkConserving, DispatchRule.MaxQueueDelay {

  /** The work-conserving rule. */
  static WorkConserving workConserving() {
    return WorkConserving.INSTANCE;
  }

  /** The max-queue-delay rule with the given timeout in seconds (0 is the work-conserving rule). */
  static DispatchRule maxQueueDelay(double seconds) {
    Checks.nonNegative("max queue delay (s)", seconds);
    return seconds == 0 ? WorkConserving.INSTANCE : new MaxQueueDelay(seconds);
  }

  /** Start a batch as soon as a server is free and a request waits. */
  enum WorkConserving implements DispatchRule {
    INSTANCE;

    @Override
    public String toString() {
      return "work-conserving";
    }
  }

  /**
   * Hold a batch until it is full or its oldest request has waited {@code seconds}.
   *
   * @param seconds the timeout, above 0
   */
  record MaxQueueDelay(double seconds) implements DispatchRule {
    public MaxQueueDelay {
      Checks.positive("max queue delay (s)", seconds);
    }

    @Override
    public String toString() {
      return "max-queue-delay " + Formats.number(seconds) + " s";
    }
  }
}

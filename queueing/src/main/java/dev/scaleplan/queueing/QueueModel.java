package dev.scaleplan.queueing;

/** A queueing model with its parameters bound: evaluates to one {@link QueueMetrics}. */
public interface QueueModel {
  /** The short name used by the CLI: {@code mmc}, {@code mdc}, {@code mg1}, {@code mgc}, {@code batch}. */
  String name();

  /** The model's delays and their provenance; never throws for an unstable queue (see {@link QueueMetrics#stable()}). */
  QueueMetrics metrics();
}

package dev.scaleplan.profiler;

/**
 * Which part of serving a latency figure belongs to. A CNN or any single-pass model has one {@link #BATCH} latency;
 * an LLM has a {@link #PREFILL} latency (the whole prompt of every request in the batch, time to first token) and a
 * {@link #DECODE} latency (one iteration producing one token for every request in the batch).
 */
public enum Phase {
  /** One forward pass over the batch: the whole request. */
  BATCH,
  /** LLM prefill: the prompts of the whole batch, in one pass. */
  PREFILL,
  /** LLM decode: one token for every request of the batch. */
  DECODE;

  /** Lower-case name used in files and on the command line. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The phase named {@code label} (case-insensitive). */
  public static Phase of(String label) {
    for (Phase p : values()) {
      if (p.label().equalsIgnoreCase(label.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("The phase '" + label + "' is not one of batch, prefill, decode.");
  }
}

package dev.scaleplan.solvers.control;

/**
 * What an LLM server reports beside request counts, for token-based demand: tokens that arrived in the period (prompt
 * plus expected output, or whatever unit the token throughput is given in), tokens waiting now, and KV-cache blocks in
 * use of those available. Every field may be 0 when the framework does not report it.
 *
 * @param tokensArrived tokens of the requests that arrived in the period, at least 0
 * @param waitingTokens tokens queued now (not yet scheduled), at least 0
 * @param kvBlocksInUse KV-cache blocks in use across ready instances, at least 0
 * @param kvBlocksTotal KV-cache blocks available across ready instances, at least {@code kvBlocksInUse}; 0 when unknown
 */
public record LlmSignals(long tokensArrived, long waitingTokens, long kvBlocksInUse, long kvBlocksTotal) {
  /** No LLM signals. */
  public static final LlmSignals NONE = new LlmSignals(0, 0, 0, 0);

  public LlmSignals {
    if (tokensArrived < 0 || waitingTokens < 0 || kvBlocksInUse < 0 || kvBlocksTotal < 0) {
      throw new IllegalArgumentException("LLM signals are counts at least 0; got " + tokensArrived + " tokens arrived, "
          + waitingTokens + " waiting, " + kvBlocksInUse + " KV blocks in use of " + kvBlocksTotal + ".");
    }
    if (kvBlocksTotal > 0 && kvBlocksInUse > kvBlocksTotal) {
      throw new IllegalArgumentException("KV blocks in use (" + kvBlocksInUse + ") exceed those available ("
          + kvBlocksTotal + ").");
    }
  }

  /** The KV-cache fraction in use, or 0 when the total is unknown. */
  public double kvUse() {
    return kvBlocksTotal == 0 ? 0 : (double) kvBlocksInUse / kvBlocksTotal;
  }
}

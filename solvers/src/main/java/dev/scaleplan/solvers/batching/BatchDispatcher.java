package dev.scaleplan.solvers.batching;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;

/**
 * Decides when one model's queue starts a batch on its GPUs and how large it is, following either Symphony's
 * deferred (non-work-conserving) rule or the eager work-conserving rule.
 *
 * <p>A serving framework drives it with three calls, all carrying the current time in seconds, in non-decreasing
 * order: {@link #onArrival(double, double)} for each request, {@link #onGpuFree(double)} when a GPU finishes a batch,
 * and {@link #poll(double)} (repeatedly, until it answers 0) to learn whether to launch a batch now and of how many
 * requests. Between events it asks {@link #nextStartSeconds()} when to poll next if nothing else happens. The
 * dispatcher owns no clock and no thread; a simulator and a real server drive it the same way.
 *
 * <h2>The deferred rule</h2>
 *
 * <p>From Symphony (L. Chen, W. Deng, A. Canumalla, Y. Xin, D. Zhuo, M. Philipose, A. Krishnamurthy, "Symphony:
 * Optimized DNN Model Serving using Deferred Batch Scheduling", arXiv:2308.07470, 2023/2024; its "schedulable
 * window", the first of its two design points). Requests wait in deadline order. Let {@code D} be the earliest
 * waiting deadline, {@code n} the number waiting, {@code B = min(n, maxBatch)} and {@code l(b)} the batch latency. A batch of {@code b} can start no later
 * than {@code D - l(b)} and still meet {@code D}; before {@code D - l(b + 1)} it could still take one more request
 * and meet {@code D}, so starting then wastes batching. The window of a batch of {@code b} is therefore
 * {@code [D - l(b + 1), D - l(b)]}, and with a GPU free at time {@code t}:
 *
 * <ol>
 *   <li>requests that no batch can serve in time, {@code t > d - l(1)}, are dropped and counted, so they never delay a
 *       batch that can still make it;
 *   <li>if {@code t <= D - l(B)} and {@code B} is the max batch, the batch of {@code B} starts now (it cannot grow);
 *   <li>if {@code t <= D - l(B)} and {@code B = n < maxBatch}, it starts at {@code D - l(n + 1)}, the latest moment
 *       that still admits one more request (now, if that moment has passed); a new arrival moves the moment earlier;
 *   <li>otherwise the batch starts now with the largest {@code b < B} such that {@code t <= D - l(b)}; waiting would
 *       only shrink it.
 * </ol>
 *
 * <p>So a batch never starts before a GPU is free and never after {@code D - l(b)}: every request in it (each has a
 * deadline of at least {@code D}) finishes in time when the batch takes {@code l(b)}. All comparisons use the form
 * {@code t <= D - l(b)}, so the dispatcher's decisions are consistent to the last bit with its own
 * {@link #nextStartSeconds()}.
 *
 * <h2>Early drop</h2>
 *
 * <p>Step 4 is where the literal rule hurts under load: a GPU that frees late must serve the head's deadline with a
 * small, inefficient batch, so it frees late again, and the batch size collapses (on the ResNet-50 A100 profile
 * near saturation, mean batches of 3 where the work-conserving rule keeps 18; see {@code DispatchComparison}).
 * {@link Rule#DEFERRED_EARLY_DROP} replaces step 4: for each k in 0..min(n - 1, maxBatch) let {@code b_k} be the
 * largest batch that starts now from the (k+1)-th earliest request and meets its deadline {@code d_k}; it drops the
 * k earliest requests and launches {@code b_k} for the k that maximises {@code b_k - k} (the smallest such k), so it
 * drops requests only when that serves more now than it drops. This is in the spirit of Nexus's early drop (H. Shen
 * et al., "Nexus: A GPU Cluster Engine for Accelerating DNN-Based Video Analysis", SOSP 2019, which drops the head
 * until a window of the target batch fits), without needing a target batch. Launched batches still satisfy
 * {@code t <= D - l(b)}.
 *
 * <h2>The work-conserving rule</h2>
 *
 * <p>As soon as a GPU is free and a request waits, start a batch of {@code min(n, maxBatch)} (Triton's dynamic
 * batcher with no queue delay, Clipper's and Clockwork's eager dispatch). It drops hopeless requests the same way, so
 * a comparison between the two rules isolates when a batch starts.
 *
 * <h2>Cost</h2>
 *
 * <p>Deadlines live in a ring buffer of primitive doubles that grows only by doubling; arrivals in deadline order (one
 * SLO per model, so FIFO order) append in O(1); an out-of-order deadline is inserted by shifting from the tail.
 * Latencies {@code l(1..maxBatch)} are tabulated once. No call allocates after the buffer has reached its working
 * size. Not thread-safe: one dispatcher per queue, driven by one thread.
 */
public final class BatchDispatcher {
  /** The largest max batch a dispatcher accepts (its latency table has one entry per batch size). */
  public static final int MAX_SUPPORTED_BATCH = 1 << 16;

  private static final int DEFAULT_CAPACITY = 1024;

  /** When a dispatcher starts a batch. */
  public enum Rule {
    /** Symphony's deferred rule: start at the latest moment that still admits one more request. */
    DEFERRED,
    /**
     * The deferred rule, and when a GPU frees too late for the head's batch, drop the earliest requests if that
     * serves more requests now than it drops (see the class comment).
     */
    DEFERRED_EARLY_DROP,
    /** Start as soon as a GPU is free and a request waits. */
    WORK_CONSERVING;

    @Override
    public String toString() {
      switch (this) {
        case DEFERRED:
          return "deferred";
        case DEFERRED_EARLY_DROP:
          return "deferred+early-drop";
        default:
          return "work-conserving";
      }
    }
  }

  private final Rule rule;
  private final int maxBatch;
  private final int gpus;
  /** {@code latency[b]} is l(b) for b in 1..maxBatch; index 0 is unused. */
  private final double[] latency;

  private double[] ring;
  private int mask;
  private int head;
  private int size;

  private int freeGpus;
  private double now = Double.NEGATIVE_INFINITY;

  private long arrived;
  private long dropped;
  private long earlyDropped;
  private long launchedBatches;
  private long launchedRequests;

  private BatchDispatcher(Rule rule, BatchLatency batchLatency, int maxBatch, int gpus, int initialCapacity) {
    if (rule == null) {
      throw new IllegalArgumentException("The dispatch rule must not be null.");
    }
    if (batchLatency == null) {
      throw new IllegalArgumentException("The batch latency must not be null.");
    }
    Checks.atLeast("max batch", maxBatch, 1);
    Checks.atLeast("number of GPUs", gpus, 1);
    Checks.atLeast("initial queue capacity", initialCapacity, 1);
    if (maxBatch > batchLatency.maxBatchSize()) {
      throw new IllegalArgumentException("The max batch (" + maxBatch + ") is beyond the batch latency's largest batch ("
          + batchLatency.maxBatchSize() + ").\nMaybe lower the max batch to " + batchLatency.maxBatchSize() + "?");
    }
    if (maxBatch > MAX_SUPPORTED_BATCH) {
      throw new IllegalArgumentException("The max batch (" + maxBatch + ") must be at most " + MAX_SUPPORTED_BATCH
          + ".");
    }
    this.rule = rule;
    this.maxBatch = maxBatch;
    this.gpus = gpus;
    this.latency = latencyTable(batchLatency, maxBatch);
    int capacity = Integer.highestOneBit(Math.min(initialCapacity, 1 << 30));
    if (capacity < initialCapacity) {
      capacity <<= 1;
    }
    this.ring = new double[capacity];
    this.mask = capacity - 1;
    this.freeGpus = gpus;
  }

  /** A dispatcher with Symphony's deferred rule over {@code gpus} identical GPUs, all free at the start. */
  public static BatchDispatcher deferred(BatchLatency latency, int maxBatch, int gpus) {
    return new BatchDispatcher(Rule.DEFERRED, latency, maxBatch, gpus, DEFAULT_CAPACITY);
  }

  /** A dispatcher with the deferred rule and early drop over {@code gpus} identical GPUs, all free at the start. */
  public static BatchDispatcher deferredEarlyDrop(BatchLatency latency, int maxBatch, int gpus) {
    return new BatchDispatcher(Rule.DEFERRED_EARLY_DROP, latency, maxBatch, gpus, DEFAULT_CAPACITY);
  }

  /** A dispatcher with the work-conserving rule over {@code gpus} identical GPUs, all free at the start. */
  public static BatchDispatcher workConserving(BatchLatency latency, int maxBatch, int gpus) {
    return new BatchDispatcher(Rule.WORK_CONSERVING, latency, maxBatch, gpus, DEFAULT_CAPACITY);
  }

  /**
   * A dispatcher with the given rule.
   *
   * @param rule when batches start
   * @param latency l(b) of one GPU; must be non-decreasing in b up to {@code maxBatch}
   * @param maxBatch the largest batch, at least 1 and within the latency's range
   * @param gpus identical GPUs serving this queue, all free at the start, at least 1
   * @param initialCapacity queue slots allocated up front (rounded up to a power of two); the queue doubles beyond
   */
  public static BatchDispatcher of(Rule rule, BatchLatency latency, int maxBatch, int gpus, int initialCapacity) {
    return new BatchDispatcher(rule, latency, maxBatch, gpus, initialCapacity);
  }

  /**
   * Tabulates l(1..maxBatch), requiring finite positive and non-decreasing values: the rule's windows assume that a
   * larger batch never runs faster.
   */
  static double[] latencyTable(BatchLatency batchLatency, int maxBatch) {
    double[] table = new double[maxBatch + 1];
    for (int b = 1; b <= maxBatch; b++) {
      table[b] = Checks.positive("batch latency l(" + b + ") (s)", batchLatency.seconds(b));
      if (b > 1 && table[b] < table[b - 1]) {
        throw new IllegalArgumentException("The batch latency must not decrease with the batch size, but l(" + b
            + ") (" + table[b] + " s) is below l(" + (b - 1) + ") (" + table[b - 1] + " s)."
            + "\nMaybe smooth the profile, or lower the max batch to " + (b - 1) + "?");
      }
    }
    return table;
  }

  /**
   * A request arrives.
   *
   * @param nowSeconds the arrival time: finite, at least 0, and not before the last event
   * @param deadlineSeconds when the request must have finished: finite and not before {@code nowSeconds}. A request
   *     that even a batch of 1 started now cannot serve in time ({@code now + l(1) > deadline}) is dropped and counted
   */
  public void onArrival(double nowSeconds, double deadlineSeconds) {
    advance(nowSeconds, "arrival time");
    if (!(deadlineSeconds >= nowSeconds) || deadlineSeconds == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("The deadline (" + deadlineSeconds + " s) must be a finite time not before "
          + "the arrival time (" + nowSeconds + " s).");
    }
    arrived++;
    if (nowSeconds > deadlineSeconds - latency[1]) {
      dropped++;
      return;
    }
    insert(deadlineSeconds);
  }

  /**
   * A GPU has finished its batch and is free from {@code nowSeconds}.
   *
   * @throws IllegalStateException when every GPU is already free
   */
  public void onGpuFree(double nowSeconds) {
    advance(nowSeconds, "GPU-free time");
    if (freeGpus == gpus) {
      throw new IllegalStateException("All " + gpus + " GPUs are already free; onGpuFree was called more often than "
          + "batches were launched.");
    }
    freeGpus++;
  }

  /**
   * Whether to launch a batch now: its size, or 0 to wait. A positive answer removes the batch's requests (the
   * earliest deadlines) from the queue and takes one free GPU; call again while it answers a positive size, since
   * several GPUs may be free.
   *
   * @param nowSeconds the current time: finite, at least 0, and not before the last event
   */
  public int poll(double nowSeconds) {
    return poll(nowSeconds, null);
  }

  /**
   * As {@link #poll(double)}, and copies the launched requests' deadlines, earliest first, into
   * {@code deadlinesOut[0..size)} when it is not null.
   *
   * @param deadlinesOut null, or an array of at least the max batch
   */
  public int poll(double nowSeconds, double[] deadlinesOut) {
    if (deadlinesOut != null && deadlinesOut.length < maxBatch) {
      throw new IllegalArgumentException("The deadline array (" + deadlinesOut.length + " slots) must hold the max "
          + "batch (" + maxBatch + ").");
    }
    advance(nowSeconds, "poll time");
    if (freeGpus == 0 || size == 0) {
      return 0;
    }
    int b = decide(nowSeconds);
    if (b == 0) {
      return 0;
    }
    if (deadlinesOut != null) {
      int first = Math.min(b, ring.length - head);
      System.arraycopy(ring, head, deadlinesOut, 0, first);
      if (first < b) {
        System.arraycopy(ring, 0, deadlinesOut, first, b - first);
      }
    }
    head = (head + b) & mask;
    size -= b;
    freeGpus--;
    launchedBatches++;
    launchedRequests += b;
    return b;
  }

  /**
   * When {@link #poll} will next launch a batch if no request arrives and no GPU frees first: the last event time
   * when it would launch at once, a later time when the deferred rule waits, and positive infinity when no GPU is
   * free or nothing waits. Polling at exactly this time launches a batch.
   */
  public double nextStartSeconds() {
    if (freeGpus == 0 || size == 0) {
      return Double.POSITIVE_INFINITY;
    }
    int batch = Math.min(size, maxBatch);
    if (rule == Rule.WORK_CONSERVING || batch == maxBatch) {
      return now;
    }
    // batch == size < maxBatch: the window opens at D - l(n + 1); in the deadline-limited case that is before now.
    return Math.max(now, ring[head] - latency[batch + 1]);
  }

  /** The batch size the rule launches at {@code t} (0 to wait); the head is not hopeless at {@code t}. */
  private int decide(double t) {
    int batch = Math.min(size, maxBatch);
    if (rule == Rule.WORK_CONSERVING) {
      return batch;
    }
    double earliest = ring[head];
    if (t <= earliest - latency[batch]) {
      if (batch == maxBatch || t >= earliest - latency[batch + 1]) {
        return batch;
      }
      return 0;
    }
    int fitting = largestFitting(t, earliest, batch);
    if (rule == Rule.DEFERRED) {
      return fitting;
    }
    // Early drop: skipping the k earliest requests lets the batch start from a later deadline d_k; take the k with
    // the most requests served now net of those dropped, b_k - k, only when it beats b_0 (ties keep the head).
    int bestSkip = 0;
    int bestNet = fitting;
    int limit = Math.min(size - 1, maxBatch);
    for (int k = 1; k <= limit && maxBatch - k > bestNet; k++) {
      int fits = largestFitting(t, ring[(head + k) & mask], Math.min(size - k, maxBatch));
      if (fits - k > bestNet) {
        bestNet = fits - k;
        bestSkip = k;
      }
    }
    if (bestSkip > 0) {
      head = (head + bestSkip) & mask;
      size -= bestSkip;
      dropped += bestSkip;
      earlyDropped += bestSkip;
    }
    return bestNet + bestSkip;
  }

  /** The largest b in 1..batch with t <= d - l(b), given t <= d - l(1). */
  private int largestFitting(double t, double d, int batch) {
    if (t <= d - latency[batch]) {
      return batch;
    }
    // d - l(b) is non-increasing in b, so bisect: b = 1 qualifies, batch does not.
    int lo = 1;
    int hi = batch;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (t <= d - latency[mid]) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Moves the clock to {@code t} and drops the requests that can no longer be served in time. */
  private void advance(double t, String what) {
    if (!(t >= 0) || t == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("The " + what + " (" + t + " s) must be a finite number at least 0.");
    }
    if (t < now) {
      throw new IllegalArgumentException("The " + what + " (" + t + " s) is before the last event (" + now
          + " s); the dispatcher must be driven in time order.");
    }
    now = t;
    double hopeless = latency[1];
    while (size > 0 && t > ring[head] - hopeless) {
      head = (head + 1) & mask;
      size--;
      dropped++;
    }
  }

  private void insert(double deadline) {
    if (size == ring.length) {
      grow();
    }
    int i = (head + size) & mask;
    for (int left = size; left > 0; left--) {
      int previous = (i - 1) & mask;
      if (ring[previous] <= deadline) {
        break;
      }
      ring[i] = ring[previous];
      i = previous;
    }
    ring[i] = deadline;
    size++;
  }

  private void grow() {
    if (ring.length >= 1 << 30) {
      throw new IllegalStateException("The queue holds " + size + " requests and cannot grow further.");
    }
    double[] bigger = new double[ring.length << 1];
    int first = Math.min(size, ring.length - head);
    System.arraycopy(ring, head, bigger, 0, first);
    System.arraycopy(ring, 0, bigger, first, size - first);
    ring = bigger;
    mask = bigger.length - 1;
    head = 0;
  }

  /** The rule this dispatcher follows. */
  public Rule rule() {
    return rule;
  }

  /** The largest batch it launches. */
  public int maxBatch() {
    return maxBatch;
  }

  /** The GPUs serving this queue. */
  public int gpus() {
    return gpus;
  }

  /** The tabulated l(b) in seconds, for b in 1..{@link #maxBatch()}. */
  public double latencySeconds(int batchSize) {
    if (batchSize < 1 || batchSize > maxBatch) {
      throw new IllegalArgumentException("The batch size (" + batchSize + ") must be in 1.." + maxBatch + ".");
    }
    return latency[batchSize];
  }

  /** The GPUs free now. */
  public int freeGpus() {
    return freeGpus;
  }

  /** Requests waiting now. */
  public int queued() {
    return size;
  }

  /** The earliest waiting deadline, or positive infinity when nothing waits. */
  public double earliestDeadline() {
    return size == 0 ? Double.POSITIVE_INFINITY : ring[head];
  }

  /** The time of the last event seen (negative infinity before the first). */
  public double lastEventSeconds() {
    return now;
  }

  /** Requests that have arrived so far. */
  public long arrived() {
    return arrived;
  }

  /** Requests dropped because no batch could serve them in time any more. */
  public long dropped() {
    return dropped;
  }

  /** Of {@link #dropped()}, the requests the early-drop rule dropped though a batch could still have served them. */
  public long earlyDropped() {
    return earlyDropped;
  }

  /** Batches launched so far. */
  public long launchedBatches() {
    return launchedBatches;
  }

  /** Requests launched so far, over all batches. */
  public long launchedRequests() {
    return launchedRequests;
  }

  @Override
  public String toString() {
    return rule + " dispatcher{maxBatch=" + maxBatch + ", gpus=" + gpus + ", free=" + freeGpus + ", queued=" + size
        + ", dropped=" + dropped + "}";
  }
}

package dev.scaleplan.testkit.sim;

import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.Observation;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.api.Checks;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.batching.BatchDispatcher;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import dev.scaleplan.testkit.trace.ArrivalStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * A discrete-event simulator of a serving cluster for one model: requests arrive (any {@link ArrivalStream}), a
 * router sends each to a ready instance at random in proportion to its peak throughput (the split the scaling plans
 * assume), and each instance batches from its FIFO queue onto its servers by its dispatch rule (work-conserving,
 * Triton's max queue delay, or Symphony's deadline-aware dispatcher). An {@link AutoscalingPolicy}, called every
 * period, sets how many instances of each kind it wants; a new instance holds its GPUs from the decision and serves
 * after its load time; a surplus instance drains (no new requests) and then leaves. When the policy wants fewer of one
 * kind and more of another with more (or fewer) servers of the same GPU type and GPUs per server, serving instances
 * are resized in place (vertical scaling): added servers hold their GPUs at once and serve after the target kind's
 * resize time (a copy from the instance's own GPUs); removed servers leave when idle. Instances with Symphony's
 * dispatcher (a fixed GPU count) are not resized. Requests that find no ready instance wait in the router until one
 * is ready (like Knative's activator).
 *
 * <p>Measures: every request's latency (arrival to completion) after the warm-up in an HdrHistogram (3 significant
 * digits), SLO attainment (late or dropped requests are violations), GPU-seconds (from the decision to start an
 * instance to its departure), scaling events, and a timeline per bucket. Random streams (routing, service noise) are
 * seeded apart from the arrivals, so policies compared with the same seed and arrivals see the same randomness as
 * far as their decisions allow.
 *
 * <p>The event loop keeps arrivals outside its heap and the heap in primitive arrays; nothing is allocated per
 * request. One run is single-threaded; replications may run in parallel.
 */
public final class ClusterSimulator {
  private static final int COMPLETE = 0;
  private static final int TIMER = 1;
  private static final int READY = 2;
  private static final int ACTIVATE = 3;
  private static final int RAMP = 4;

  private static final int LOADING = 0;
  private static final int SERVING = 1;
  private static final int DRAINING = 2;
  private static final int GONE = 3;

  /**
   * Decisions after the last arrival that may leave held requests with no instance serving or loading before the run
   * gives up on the policy (so a policy that never scales from zero cannot run forever).
   */
  static final int MAX_DECISIONS_WITHOUT_INSTANCE = 10_000;

  /**
   * How to simulate.
   *
   * @param slo the latency objective; its target sets violations and Symphony's deadlines
   * @param warmupSeconds requests arriving before this are served but not measured
   * @param policyPeriodSeconds how often the policy decides
   * @param bucketSeconds the timeline's bucket width
   * @param loadSeconds per catalog entry, the time from the decision to start an instance to it serving in full
   * @param resizeSeconds per catalog entry, the time for servers added in place to serve (null: the load times)
   * @param ramp live scaling while loading (BlitzScale): the share of its throughput a loading instance already serves,
   *     by time since its start, as the live-offload planner gives it ({@code CapacityTimeline.ramp}); null or
   *     {@link TransitionPlanner.Ramp#STEP} for none
   * @param seed the seed of the routing and service-time streams
   */
  public record Options(Slo slo, double warmupSeconds, double policyPeriodSeconds, double bucketSeconds,
      double[] loadSeconds, double[] resizeSeconds, TransitionPlanner.Ramp ramp, long seed) {
    public Options {
      ramp = ramp == null ? TransitionPlanner.Ramp.STEP : ramp;
      Objects.requireNonNull(slo, "slo");
      Checks.nonNegative("warm-up (s)", warmupSeconds);
      Checks.positive("policy period (s)", policyPeriodSeconds);
      Checks.positive("timeline bucket (s)", bucketSeconds);
      Objects.requireNonNull(loadSeconds, "loadSeconds");
      loadSeconds = loadSeconds.clone();
      for (int i = 0; i < loadSeconds.length; i++) {
        Checks.nonNegative("load time of catalog entry " + i + " (s)", loadSeconds[i]);
      }
      resizeSeconds = resizeSeconds == null ? loadSeconds.clone() : resizeSeconds.clone();
      if (resizeSeconds.length != loadSeconds.length) {
        throw new IllegalArgumentException("The resize times (" + resizeSeconds.length + ") must have one entry per "
            + "load time (" + loadSeconds.length + ").");
      }
      for (int i = 0; i < resizeSeconds.length; i++) {
        Checks.nonNegative("resize time of catalog entry " + i + " (s)", resizeSeconds[i]);
      }
    }

    /** Options without live scaling: a new instance serves nothing until loaded. */
    public Options(Slo slo, double warmupSeconds, double policyPeriodSeconds, double bucketSeconds,
        double[] loadSeconds, double[] resizeSeconds, long seed) {
      this(slo, warmupSeconds, policyPeriodSeconds, bucketSeconds, loadSeconds, resizeSeconds, null, seed);
    }

    /** Options whose in-place resizes take as long as loading a new instance of the target kind. */
    public Options(Slo slo, double warmupSeconds, double policyPeriodSeconds, double bucketSeconds,
        double[] loadSeconds, long seed) {
      this(slo, warmupSeconds, policyPeriodSeconds, bucketSeconds, loadSeconds, null, null, seed);
    }
  }

  /**
   * The GPUs the cluster has: {@code count} hosts of {@code gpusPerHost} GPUs. An instance takes its GPUs on one host
   * (first fit); growing in place needs free GPUs on its own host (an instance whose host has no room for one more
   * server is not grown, so a new instance may start on another host); a start that fits no host is refused (a
   * {@link ScalingEvent.Kind#REFUSED} event) and the policy may ask again. {@link #UNLIMITED} for no limit.
   */
  public record Hosts(int count, int gpusPerHost) {
    /** No limit on GPUs. */
    public static final Hosts UNLIMITED = new Hosts(1, Integer.MAX_VALUE);

    public Hosts {
      Checks.atLeast("number of hosts", count, 1);
      Checks.atLeast("GPUs per host", gpusPerHost, 1);
    }
  }

  private final List<InstanceSpec> catalog;
  private final Options options;
  private final int[] hostFree;
  private int[] host = new int[8];
  private final double slo;

  // Instances, by index; arrays grow.
  private int count;
  private int[] spec = new int[8];
  private int[] state = new int[8];
  private double[][] queue = new double[8][];
  private int[] qHead = new int[8];
  private int[] qSize = new int[8];
  private int[] free = new int[8];
  /** Per instance and server: whether it serves; when it is being added (below); whether it leaves when its batch ends. */
  private boolean[][] active = new boolean[8][];
  /**
   * Per instance and server being added: when it is due to serve (an ACTIVATE event at another time is stale); NaN
   * for a server not being added.
   */
  private double[][] pendingUntil = new double[8][];
  private boolean[][] retiring = new boolean[8][];
  private int[] activeCount = new int[8];
  private int[] heldGpus = new int[8];
  /** The share of its throughput a loading instance serves now (1 once loaded); and when it started. */
  private double[] fraction = new double[8];
  /** The speed its batches run at: its share, or its last positive share while a ramp holds it at 0. */
  private double[] speed = new double[8];
  private double[] startedAt = new double[8];
  private final int maxServers;
  private final int maxBatchAll;
  private double[][][] batch = new double[8][][];
  private int[][] batchSize = new int[8][];
  private double[] timerAt = new double[8];
  private BatchDispatcher[] symphony = new BatchDispatcher[8];
  /** Per Symphony instance, its dispatcher's drops already taken off the instance's queue of arrival times. */
  private long[] dropsSeen = new long[8];
  private final double[][] latencyTable;

  // The router.
  private int[] routable = new int[8];
  private double[] cumulative = new double[8];
  private int routableCount;
  private double[] held = new double[64];
  private int heldHead;
  private int heldSize;

  // Events.
  private final EventHeap heap = new EventHeap();
  private final SplittableRandom routing;
  private final SplittableRandom noise;

  // Measurements.
  private final Histogram latencies = new Histogram(3);
  private long measuredArrivals;
  private long arrived;
  private long served;
  private long violations;
  /** Measured requests that a Symphony dispatcher dropped, or that reached one only after their deadline. */
  private long dropped;
  private double gpuSeconds;
  private int gpusHeld;
  private double gpusChangedAt;
  private final List<ScalingEvent> events = new ArrayList<>();
  private final Timeline timeline;
  // The policy's window.
  private final LogHistogram window = new LogHistogram();
  private long windowArrivals;
  private long windowCompletions;
  private long windowViolations;
  private long inService;
  private long queuedTotal;
  private long processedEvents;
  private double endTime;

  private ClusterSimulator(List<InstanceSpec> catalog, Options options, Hosts hosts) {
    this.catalog = List.copyOf(catalog);
    this.options = options;
    this.hostFree = new int[hosts.count()];
    Arrays.fill(hostFree, hosts.gpusPerHost());
    this.slo = options.slo().targetSeconds();
    this.routing = new SplittableRandom(options.seed());
    this.noise = new SplittableRandom(options.seed() ^ 0x9E3779B97F4A7C15L);
    this.latencyTable = new double[catalog.size()][];
    this.maxServers = catalog.stream().mapToInt(InstanceSpec::servers).max().orElse(1);
    this.maxBatchAll = catalog.stream().mapToInt(InstanceSpec::maxBatch).max().orElse(1);
    for (int k = 0; k < catalog.size(); k++) {
      InstanceSpec s = catalog.get(k);
      latencyTable[k] = new double[s.maxBatch() + 1];
      for (int b = 1; b <= s.maxBatch(); b++) {
        latencyTable[k][b] = s.latency().seconds(b);
      }
    }
    this.timeline = new Timeline(options.bucketSeconds());
  }

  /**
   * Runs the arrivals to the end and until every request has finished.
   *
   * @param catalog the instance kinds, at least one
   * @param initial how many of each kind serve (already loaded) at time 0
   * @param arrivals the requests; closed at the end
   * @param policy the autoscaler ({@link AutoscalingPolicy#fixed()} for none)
   */
  public static SimResult run(List<InstanceSpec> catalog, int[] initial, ArrivalStream arrivals,
      AutoscalingPolicy policy, Options options) {
    return run(catalog, initial, arrivals, policy, options, Hosts.UNLIMITED);
  }

  /** As {@link #run(List, int[], ArrivalStream, AutoscalingPolicy, Options)}, on a cluster of limited hosts. */
  public static SimResult run(List<InstanceSpec> catalog, int[] initial, ArrivalStream arrivals,
      AutoscalingPolicy policy, Options options, Hosts hosts) {
    Objects.requireNonNull(hosts, "hosts");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(arrivals, "arrivals");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(options, "options");
    if (catalog.isEmpty()) {
      throw new IllegalArgumentException("The catalog of instance kinds must not be empty.");
    }
    if (initial.length != catalog.size() || options.loadSeconds().length != catalog.size()) {
      throw new IllegalArgumentException("The initial counts (" + initial.length + ") and load times ("
          + options.loadSeconds().length + ") must have one entry per catalog entry (" + catalog.size() + ").");
    }
    ClusterSimulator sim = new ClusterSimulator(catalog, options, hosts);
    for (int k = 0; k < initial.length; k++) {
      Checks.atLeast("initial instances of catalog entry " + k, initial[k], 0);
      for (int j = 0; j < initial[k]; j++) {
        if (!sim.start(k, 0, true)) {
          throw new IllegalArgumentException("The initial instances do not fit the hosts (" + hosts.count() + " x "
              + hosts.gpusPerHost() + " GPUs): instance " + (j + 1) + " of catalog entry " + k + " ("
              + catalog.get(k).gpus() + " GPUs) finds no host with room.");
        }
      }
    }
    long wallStart = System.nanoTime();
    try (arrivals) {
      sim.loop(arrivals, policy);
    }
    return sim.result(policy.name(), (System.nanoTime() - wallStart) / 1e9);
  }

  private void loop(ArrivalStream arrivals, AutoscalingPolicy policy) {
    double period = options.policyPeriodSeconds();
    double nextArrival = next(arrivals, 0);
    double nextTick = period;
    double lastTick = 0;
    double now = 0;
    int decisionsWithoutInstance = 0;
    while (true) {
      double tEvent = heap.size() > 0 ? heap.peekTime() : Double.POSITIVE_INFINITY;
      boolean arrivalsDone = nextArrival == Double.POSITIVE_INFINITY;
      if (arrivalsDone && tEvent == Double.POSITIVE_INFINITY && (heldSize == 0 || nextTick == Double.POSITIVE_INFINITY)) {
        break;
      }
      if (tEvent <= nextArrival && tEvent <= nextTick) {
        now = tEvent;
        long payload = heap.peekPayload();
        heap.pop();
        handle(now, payload);
      } else if (nextArrival <= nextTick) {
        now = nextArrival;
        arrive(now);
        nextArrival = next(arrivals, now);
      } else {
        now = nextTick;
        tick(now, now - lastTick, policy);
        lastTick = now;
        boolean idle = nextArrival == Double.POSITIVE_INFINITY && queuedTotal == 0 && inService == 0
            && heldSize == 0;
        nextTick = idle ? Double.POSITIVE_INFINITY : now + period;
        // Held requests, no arrival or event to come: only the policy can start an instance for them.
        boolean stuck = arrivalsDone && heldSize > 0 && heap.size() == 0;
        decisionsWithoutInstance = stuck ? decisionsWithoutInstance + 1 : 0;
        if (decisionsWithoutInstance >= MAX_DECISIONS_WITHOUT_INSTANCE) {
          throw new IllegalStateException("Policy '" + policy.name() + "' left " + heldSize + " requests waiting "
              + "with no instance serving or loading for " + MAX_DECISIONS_WITHOUT_INSTANCE + " decisions after the "
              + "last arrival; it must start an instance (that fits a host) when requests wait.");
        }
      }
      processedEvents++;
    }
    // Release everything at the end of the run.
    for (int i = 0; i < count; i++) {
      if (state[i] != GONE) {
        leave(i, now);
      }
    }
    changeGpus(now, 0);
    endTime = now;
  }

  /** The next arrival time, or infinity at the end; checks that times are finite, at least 0 and non-decreasing. */
  private double next(ArrivalStream arrivals, double previous) {
    if (!arrivals.advance()) {
      return Double.POSITIVE_INFINITY;
    }
    double t = arrivals.seconds();
    if (!(t >= previous) || t == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("The arrival time of request " + (arrived + 1) + " (" + t + " s) must be a "
          + "finite number at least 0 and not before the previous one (" + previous + " s).");
    }
    return t;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Requests

  private void arrive(double now) {
    arrived++;
    if (now >= options.warmupSeconds()) {
      measuredArrivals++;
    }
    windowArrivals++;
    timeline.arrival(now);
    if (routableCount == 0) {
      if (heldSize == held.length) {
        held = grow(held, heldHead, heldSize);
        heldHead = 0;
      }
      held[(heldHead + heldSize) & (held.length - 1)] = now;
      heldSize++;
      queuedTotal++;
      return;
    }
    route(now, now);
  }

  /** Sends a request that arrived at {@code arrivedAt} to an instance at {@code now}. */
  private void route(double now, double arrivedAt) {
    int i;
    if (routableCount == 1) {
      i = routable[0];
    } else {
      double u = routing.nextDouble() * cumulative[routableCount - 1];
      int lo = 0;
      int hi = routableCount - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cumulative[mid] > u) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      i = routable[lo];
    }
    BatchDispatcher d = symphony[i];
    if (d != null) {
      if (arrivedAt + slo < now) {
        // Held past its deadline while no instance was ready: hopeless, dropped as Symphony drops.
        if (arrivedAt >= options.warmupSeconds()) {
          dropped++;
        }
        windowViolations++;
        return;
      }
      // The instance's queue mirrors the dispatcher's, in deadline (arrival) order, with the exact arrival times:
      // deadline - SLO can round below the warm-up time of a request that arrived at it.
      enqueueSorted(i, arrivedAt);
      d.onArrival(now, arrivedAt + slo);  // dispatch() takes any drop off the queue
    } else {
      enqueue(i, arrivedAt);
    }
    dispatch(i, now);
  }

  /** Enqueues on a Symphony instance, keeping its queue in arrival order (a held request may be older than some). */
  private void enqueueSorted(int i, double arrivedAt) {
    enqueue(i, arrivedAt);
    double[] q = queue[i];
    int mask = q.length - 1;
    int k = (qHead[i] + qSize[i] - 1) & mask;
    for (int left = qSize[i] - 1; left > 0; left--) {
      int previous = (k - 1) & mask;
      if (q[previous] <= arrivedAt) {
        break;
      }
      q[k] = q[previous];
      q[previous] = arrivedAt;
      k = previous;
    }
  }

  /** Takes the requests Symphony's dispatcher of instance i dropped since the last call off the head of its queue. */
  private void takeDrops(int i, BatchDispatcher d) {
    long n = d.dropped() - dropsSeen[i];
    dropsSeen[i] += n;
    double warmup = options.warmupSeconds();
    double[] q = queue[i];
    int mask = q.length - 1;
    for (long k = 0; k < n; k++) {
      if (q[qHead[i]] >= warmup) {
        dropped++;
      }
      windowViolations++;
      qHead[i] = (qHead[i] + 1) & mask;
      qSize[i]--;
      queuedTotal--;
    }
  }

  private void enqueue(int i, double arrivedAt) {
    double[] q = queue[i];
    if (qSize[i] == q.length) {
      q = grow(q, qHead[i], qSize[i]);
      queue[i] = q;
      qHead[i] = 0;
    }
    q[(qHead[i] + qSize[i]) & (q.length - 1)] = arrivedAt;
    qSize[i]++;
    queuedTotal++;
  }

  private static double[] grow(double[] ring, int head, int size) {
    double[] bigger = new double[ring.length * 2];
    for (int k = 0; k < size; k++) {
      bigger[k] = ring[(head + k) & (ring.length - 1)];
    }
    return bigger;
  }

  /** Starts batches on instance i's free servers as its rule allows. */
  private void dispatch(int i, double now) {
    InstanceSpec s = catalog.get(spec[i]);
    BatchDispatcher d = symphony[i];
    if (d != null) {
      takeDrops(i, d);
      int b;
      while ((b = d.poll(now)) > 0) {
        takeDrops(i, d);  // the poll drops from the head before it launches the next earliest requests
        int server = findFreeServer(i);
        double[] buf = batch[i][server];
        double[] q = queue[i];
        int mask = q.length - 1;
        for (int k = 0; k < b; k++) {
          buf[k] = q[(qHead[i] + k) & mask];
        }
        qHead[i] = (qHead[i] + b) & mask;
        qSize[i] -= b;
        queuedTotal -= b;
        startBatch(i, server, b, now);
      }
      takeDrops(i, d);
      if (qSize[i] != d.queued()) {
        throw new IllegalStateException("Instance " + i + " queues " + qSize[i] + " requests but its dispatcher "
            + d.queued() + ".");
      }
      double next = d.nextStartSeconds();
      if (next != Double.POSITIVE_INFINITY && next > now) {
        setTimer(i, next);
      }
      return;
    }
    DispatchRule rule = s.dispatch().rule();
    int maxBatch = s.maxBatch();
    while (free[i] > 0 && qSize[i] > 0) {
      int n = Math.min(qSize[i], maxBatch);
      if (n < maxBatch && rule instanceof DispatchRule.MaxQueueDelay mqd) {
        double due = queue[i][qHead[i]] + mqd.seconds();
        if (now < due) {
          setTimer(i, due);
          return;
        }
      }
      int server = findFreeServer(i);
      double[] q = queue[i];
      double[] buf = batch[i][server];
      int mask = q.length - 1;
      for (int k = 0; k < n; k++) {
        buf[k] = q[(qHead[i] + k) & mask];
      }
      qHead[i] = (qHead[i] + n) & mask;
      qSize[i] -= n;
      queuedTotal -= n;
      startBatch(i, server, n, now);
    }
  }

  private int findFreeServer(int i) {
    int[] sizes = batchSize[i];
    boolean[] on = active[i];
    for (int k = 0; k < sizes.length; k++) {
      if (sizes[k] == 0 && on[k]) {
        return k;
      }
    }
    throw new IllegalStateException("no free server on instance " + i);
  }

  private void startBatch(int i, int server, int n, double now) {
    int k = spec[i];
    double service = latencyTable[k][n] / speed[i];  // a loading instance serves at its live share
    if (catalog.get(k).service() == InstanceSpec.Service.EXPONENTIAL) {
      service *= -Math.log(1 - noise.nextDouble());
    }
    batchSize[i][server] = n;
    free[i]--;
    inService += n;
    heap.push(now + service, COMPLETE | (long) i << 3 | (long) server << 34);
  }

  /** Wakes instance i at {@code at}, unless a timer at or before it is pending (that one re-checks). */
  private void setTimer(int i, double at) {
    if (timerAt[i] <= at) {
      return;
    }
    timerAt[i] = at;  // a later pending timer becomes stale and is ignored when it fires
    heap.push(at, TIMER | (long) i << 3);
  }

  private void handle(double now, long payload) {
    int kind = (int) (payload & 7);
    int i = (int) ((payload >>> 3) & 0x7fffffffL);
    switch (kind) {
      case COMPLETE -> complete(i, (int) (payload >>> 34), now);
      case TIMER -> {
        if (timerAt[i] == now) {
          timerAt[i] = Double.POSITIVE_INFINITY;
          if (state[i] != GONE) {
            dispatch(i, now);
          }
        }
      }
      case READY -> becomeReady(i, now);
      case RAMP -> ramp(i, now);
      default -> activate(i, (int) (payload >>> 34), now);
    }
  }

  private void complete(int i, int server, double now) {
    int n = batchSize[i][server];
    double[] buf = batch[i][server];
    double warmup = options.warmupSeconds();
    for (int k = 0; k < n; k++) {
      double arrivedAt = buf[k];
      double latency = now - arrivedAt;
      boolean late = latency > slo;
      windowCompletions++;
      window.record(latency);
      if (late) {
        windowViolations++;
      }
      timeline.completion(now, latency, late);
      if (arrivedAt >= warmup) {
        served++;
        latencies.recordValue(Math.max(0, Math.round(latency * 1e9)));
        if (late) {
          violations++;
        }
      }
    }
    batchSize[i][server] = 0;
    inService -= n;
    if (retiring[i][server]) {
      retiring[i][server] = false;
      active[i][server] = false;
      activeCount[i]--;
      releaseServer(i, now);
      rebuildRouter();
    } else {
      free[i]++;
      if (symphony[i] != null) {
        symphony[i].onGpuFree(now);
      }
    }
    dispatch(i, now);
    if (state[i] == DRAINING && idle(i)) {
      leave(i, now);
    }
  }

  /** Nothing queued and no server busy. */
  private boolean idle(int i) {
    return qSize[i] == 0 && free[i] == activeCount[i];
  }

  private int gpusPerServer(int k) {
    InstanceSpec s = catalog.get(k);
    return Math.max(1, s.gpus() / s.servers());
  }

  private void releaseServer(int i, double now) {
    give(i, gpusPerServer(spec[i]), now);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Instances

  /** Starts an instance of kind k on the first host with room; false (and a REFUSED event) when none has. */
  private boolean start(int k, double now, boolean alreadyLoaded) {
    int gpus = catalog.get(k).gpus();
    int where = -1;
    for (int h = 0; h < hostFree.length && where < 0; h++) {
      if (hostFree[h] >= gpus) {
        where = h;
      }
    }
    if (where < 0) {
      events.add(new ScalingEvent(now, ScalingEvent.Kind.REFUSED, k, -1));
      return false;
    }
    if (count == spec.length) {
      int n = 2 * count;
      spec = Arrays.copyOf(spec, n);
      state = Arrays.copyOf(state, n);
      queue = Arrays.copyOf(queue, n);
      qHead = Arrays.copyOf(qHead, n);
      qSize = Arrays.copyOf(qSize, n);
      free = Arrays.copyOf(free, n);
      active = Arrays.copyOf(active, n);
      pendingUntil = Arrays.copyOf(pendingUntil, n);
      retiring = Arrays.copyOf(retiring, n);
      activeCount = Arrays.copyOf(activeCount, n);
      heldGpus = Arrays.copyOf(heldGpus, n);
      fraction = Arrays.copyOf(fraction, n);
      speed = Arrays.copyOf(speed, n);
      startedAt = Arrays.copyOf(startedAt, n);
      batch = Arrays.copyOf(batch, n);
      batchSize = Arrays.copyOf(batchSize, n);
      timerAt = Arrays.copyOf(timerAt, n);
      symphony = Arrays.copyOf(symphony, n);
      dropsSeen = Arrays.copyOf(dropsSeen, n);
      routable = Arrays.copyOf(routable, n);
      cumulative = Arrays.copyOf(cumulative, n);
      host = Arrays.copyOf(host, n);
    }
    int i = count++;
    host[i] = where;
    InstanceSpec s = catalog.get(k);
    spec[i] = k;
    queue[i] = new double[16];
    free[i] = 0;
    active[i] = new boolean[maxServers];
    pendingUntil[i] = new double[maxServers];
    Arrays.fill(pendingUntil[i], Double.NaN);
    retiring[i] = new boolean[maxServers];
    activeCount[i] = 0;
    batch[i] = new double[maxServers][maxBatchAll];
    batchSize[i] = new int[maxServers];
    timerAt[i] = Double.POSITIVE_INFINITY;
    if (s.dispatch().symphony() != null) {
      symphony[i] = BatchDispatcher.of(s.dispatch().symphony(), s.latency(), s.maxBatch(), s.servers(), 16);
    }
    heldGpus[i] = 0;
    take(i, s.gpus(), now);
    startedAt[i] = now;
    fraction[i] = alreadyLoaded ? 1 : 0;
    speed[i] = fraction[i];
    events.add(new ScalingEvent(now, ScalingEvent.Kind.START, k, i));
    if (alreadyLoaded) {
      state[i] = SERVING;
      activateAll(i);
      rebuildRouter();
    } else {
      state[i] = LOADING;
      double load = options.loadSeconds()[k];
      heap.push(now + load, READY | (long) i << 3);
      for (double t : options.ramp().times()) {
        if (t < load) {
          heap.push(now + t, RAMP | (long) i << 3);
        }
      }
    }
    return true;
  }

  /** Instance i takes g more GPUs on its host. */
  private void take(int i, int g, double now) {
    heldGpus[i] += g;
    hostFree[host[i]] -= g;
    changeGpus(now, g);
  }

  /** Instance i gives back g GPUs. */
  private void give(int i, int g, double now) {
    heldGpus[i] -= g;
    hostFree[host[i]] += g;
    changeGpus(now, -g);
  }

  private void becomeReady(int i, double now) {
    if (state[i] != LOADING) {
      return;  // cancelled while loading
    }
    state[i] = SERVING;
    fraction[i] = 1;
    speed[i] = 1;
    if (activeCount[i] == 0) {
      activateAll(i);
    }
    events.add(new ScalingEvent(now, ScalingEvent.Kind.READY, spec[i], i));
    rebuildRouter();
    becomeRoutable(now);
  }

  private void drain(int i, double now) {
    state[i] = DRAINING;
    events.add(new ScalingEvent(now, ScalingEvent.Kind.DRAIN, spec[i], i));
    rebuildRouter();
    if (idle(i)) {
      leave(i, now);
    }
  }

  private void activateAll(int i) {
    int n = catalog.get(spec[i]).servers();
    for (int k = 0; k < n; k++) {
      active[i][k] = true;
    }
    activeCount[i] = n;
    free[i] = n;
  }

  /** A loading instance's live share changes (live scaling): it serves that share of its throughput from now. */
  private void ramp(int i, double now) {
    if (state[i] != LOADING) {
      return;
    }
    fraction[i] = options.ramp().at(now - startedAt[i]);
    if (fraction[i] > 0) {
      speed[i] = fraction[i];  // a share back at 0 takes no new requests; those it holds run at the last share
    }
    if (fraction[i] > 0 && activeCount[i] == 0) {
      activateAll(i);
    }
    rebuildRouter();
    becomeRoutable(now);
    dispatch(i, now);
  }

  /** Requests held while no instance could take them go out once one can. */
  private void becomeRoutable(double now) {
    while (heldSize > 0 && routableCount > 0) {
      double arrivedAt = held[heldHead];
      heldHead = (heldHead + 1) & (held.length - 1);
      heldSize--;
      queuedTotal--;
      route(now, arrivedAt);
    }
  }

  private boolean isPending(int i, int server) {
    return !Double.isNaN(pendingUntil[i][server]);
  }

  /** A server added by a resize is loaded and serves. */
  private void activate(int i, int server, double now) {
    if (state[i] == GONE || pendingUntil[i][server] != now) {  // NaN (cancelled) never equals now
      return;  // the instance left, or the server was cancelled (and perhaps asked for again, due later)
    }
    pendingUntil[i][server] = Double.NaN;
    active[i][server] = true;
    activeCount[i]++;
    free[i]++;
    rebuildRouter();
    dispatch(i, now);
  }

  /**
   * Whether an instance of kind a can become one of kind b in place: the same name (GPU type), another number of
   * servers of the same whole number of GPUs each (so servers added or removed carry exactly the GPUs the kinds
   * differ by), and neither with Symphony's dispatcher.
   */
  private boolean resizable(int a, int b) {
    InstanceSpec x = catalog.get(a);
    InstanceSpec y = catalog.get(b);
    return x.servers() != y.servers() && x.name().equals(y.name()) && x.dispatch().symphony() == null
        && y.dispatch().symphony() == null && x.gpus() % x.servers() == 0 && y.gpus() % y.servers() == 0
        && x.gpus() / x.servers() == y.gpus() / y.servers();
  }

  /** Resizes serving instance i to kind b in place. */
  private void resize(int i, int b, double now) {
    int target = catalog.get(b).servers();
    int g = gpusPerServer(b);
    int present = servers(i, false);
    spec[i] = b;
    events.add(new ScalingEvent(now, ScalingEvent.Kind.RESIZE, b, i));
    for (int k = 0; k < maxServers && present < target; k++) {
      if (retiring[i][k]) {
        retiring[i][k] = false;  // keep a server that was about to leave
        present++;
      }
    }
    for (int k = 0; k < maxServers && present < target; k++) {
      if (!active[i][k] && !isPending(i, k)) {
        if (hostFree[host[i]] < g) {
          events.add(new ScalingEvent(now, ScalingEvent.Kind.REFUSED, b, i));
          break;  // its host is full: it grows as far as it can
        }
        pendingUntil[i][k] = now + options.resizeSeconds()[b];
        present++;
        take(i, g, now);
        heap.push(pendingUntil[i][k], ACTIVATE | (long) i << 3 | (long) k << 34);
      }
    }
    for (int k = maxServers - 1; k >= 0 && present > target; k--) {
      if (isPending(i, k)) {
        pendingUntil[i][k] = Double.NaN;
        present--;
        give(i, g, now);
      }
    }
    for (int k = maxServers - 1; k >= 0 && present > target; k--) {
      if (active[i][k] && !retiring[i][k]) {
        present--;
        if (batchSize[i][k] == 0) {
          active[i][k] = false;
          activeCount[i]--;
          free[i]--;
          give(i, g, now);
        } else {
          retiring[i][k] = true;
        }
      }
    }
    rebuildRouter();
  }

  /** Instance i's servers serving or being added, less those leaving unless {@code withRetiring}. */
  private int servers(int i, boolean withRetiring) {
    int n = activeCount[i];
    for (int k = 0; k < maxServers; k++) {
      n += isPending(i, k) ? 1 : 0;
      n -= retiring[i][k] && !withRetiring ? 1 : 0;
    }
    return n;
  }

  private void leave(int i, double now) {
    state[i] = GONE;
    give(i, heldGpus[i], now);
    events.add(new ScalingEvent(now, ScalingEvent.Kind.STOP, spec[i], i));
    queue[i] = null;
    batch[i] = null;
    rebuildRouter();
  }

  private void changeGpus(double now, int delta) {
    timeline.gpus(now, gpusHeld, gpusChangedAt);
    gpuSeconds += gpusHeld * (now - gpusChangedAt);
    gpusChangedAt = now;
    gpusHeld += delta;
  }

  private void rebuildRouter() {
    routableCount = 0;
    double sum = 0;
    for (int i = 0; i < count; i++) {
      boolean live = state[i] == SERVING || state[i] == LOADING && fraction[i] > 0;
      if (live && activeCount[i] > 0) {
        InstanceSpec s = catalog.get(spec[i]);
        sum += fraction[i] * activeCount[i] * s.maxBatch() / s.latency().seconds(s.maxBatch());
        routable[routableCount] = i;
        cumulative[routableCount] = sum;
        routableCount++;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The policy

  private void tick(double now, double period, AutoscalingPolicy policy) {
    int kinds = catalog.size();
    int[] ready = new int[kinds];
    int[] loading = new int[kinds];
    for (int i = 0; i < count; i++) {
      if (state[i] == SERVING) {
        ready[spec[i]]++;
      } else if (state[i] == LOADING) {
        loading[spec[i]]++;
      }
    }
    Observation o = new Observation(now, period, windowArrivals, windowCompletions, windowViolations,
        window.percentile(50), window.percentile(99), queuedTotal, inService, ready, loading, catalog, slo);
    window.clear();
    windowArrivals = 0;
    windowCompletions = 0;
    windowViolations = 0;
    timeline.instances(now, o.readyTotal(), o.provisionedTotal());
    int[] want = policy.decide(o);
    if (want == null || want.length != kinds) {
      throw new IllegalStateException("Policy '" + policy.name() + "' answered " + (want == null ? "null"
          : want.length + " counts") + "; it must answer one count per catalog entry (" + kinds + ").");
    }
    for (int k = 0; k < kinds; k++) {
      if (want[k] < 0) {
        throw new IllegalStateException("Policy '" + policy.name() + "' wants " + want[k] + " instances of "
            + "catalog entry " + k + "; counts must be at least 0.");
      }
    }
    // Vertical steps first, as growing in place is faster than loading: a deficit of a kind is met by growing serving
    // instances of a smaller kind (the largest below it first, the busiest instance first); then a surplus of a kind
    // meets a deficit of a smaller one by shrinking in place (the least busy first).
    int[] have = new int[kinds];
    for (int k = 0; k < kinds; k++) {
      have[k] = ready[k] + loading[k];
    }
    for (int b = 0; b < kinds; b++) {
      while (have[b] < want[b]) {
        int pick = pickForResize(b);
        if (pick < 0) {
          break;
        }
        int a = spec[pick];
        resize(pick, b, now);
        have[a]--;
        have[b]++;
        ready[a]--;
        ready[b]++;
      }
    }
    for (int b = 0; b < kinds; b++) {
      for (int a = 0; a < kinds && have[b] > want[b]; a++) {
        if (catalog.get(a).servers() >= catalog.get(b).servers() || !resizable(b, a)) {
          continue;
        }
        while (have[b] > want[b] && have[a] < want[a]) {
          int pick = -1;
          for (int i = 0; i < count; i++) {
            if (spec[i] == b && state[i] == SERVING && (pick < 0 || qSize[i] + busy(i) < qSize[pick] + busy(pick))) {
              pick = i;
            }
          }
          if (pick < 0) {
            break;
          }
          resize(pick, a, now);
          have[b]--;
          have[a]++;
          ready[b]--;
          ready[a]++;
        }
      }
    }
    for (int k = 0; k < kinds; k++) {
      int n = ready[k] + loading[k];
      for (; n < want[k]; n++) {
        if (!start(k, now, false)) {
          break;  // no host has room; the policy may ask again
        }
      }
      // Cancel the newest loading instances first, then drain the least busy serving ones.
      for (int i = count - 1; i >= 0 && n > want[k]; i--) {
        if (spec[i] == k && state[i] == LOADING) {
          if (idle(i)) {
            leave(i, now);
          } else {
            drain(i, now);  // live scaling gave it requests: it finishes them first
          }
          n--;
        }
      }
      while (n > want[k]) {
        int best = -1;
        for (int i = 0; i < count; i++) {
          if (spec[i] == k && state[i] == SERVING
              && (best < 0 || qSize[i] + busy(i) < qSize[best] + busy(best))) {
            best = i;
          }
        }
        drain(best, now);
        n--;
      }
    }
  }

  /**
   * A serving instance to grow into kind b: of a smaller resizable kind, the largest such kind first, the busiest
   * instance of it first; -1 when none.
   */
  private int pickForResize(int b) {
    int pick = -1;
    for (int i = 0; i < count; i++) {
      if (state[i] != SERVING || !resizable(spec[i], b)
          || catalog.get(spec[i]).servers() >= catalog.get(b).servers()
          || hostFree[host[i]] < gpusPerServer(b) && servers(i, true) < catalog.get(b).servers()) {
        continue;  // it would not grow at all (its host is full): a new instance may fit another host
      }
      if (pick < 0 || catalog.get(spec[i]).servers() > catalog.get(spec[pick]).servers()
          || (spec[i] == spec[pick] && qSize[i] + busy(i) > qSize[pick] + busy(pick))) {
        pick = i;
      }
    }
    return pick;
  }

  private int busy(int i) {
    return activeCount[i] - free[i];
  }

  private SimResult result(String policy, double wallSeconds) {
    return new SimResult(policy, options.slo(), measuredArrivals, served, dropped, violations + dropped, latencies,
        gpuSeconds, List.copyOf(events), timeline.snapshot(), endTime, wallSeconds, processedEvents);
  }

  /** A binary min-heap of (time, payload) in primitive arrays. */
  static final class EventHeap {
    private double[] times = new double[64];
    private long[] payloads = new long[64];
    private int size;

    int size() {
      return size;
    }

    double peekTime() {
      return times[0];
    }

    long peekPayload() {
      return payloads[0];
    }

    void push(double t, long p) {
      if (size == times.length) {
        times = Arrays.copyOf(times, 2 * size);
        payloads = Arrays.copyOf(payloads, 2 * size);
      }
      int k = size++;
      while (k > 0) {
        int parent = (k - 1) >>> 1;
        if (times[parent] <= t) {
          break;
        }
        times[k] = times[parent];
        payloads[k] = payloads[parent];
        k = parent;
      }
      times[k] = t;
      payloads[k] = p;
    }

    void pop() {
      double t = times[--size];
      long p = payloads[size];
      int k = 0;
      int half = size >>> 1;
      while (k < half) {
        int child = 2 * k + 1;
        if (child + 1 < size && times[child + 1] < times[child]) {
          child++;
        }
        if (t <= times[child]) {
          break;
        }
        times[k] = times[child];
        payloads[k] = payloads[child];
        k = child;
      }
      times[k] = t;
      payloads[k] = p;
    }
  }
}

package dev.scaleplan.solvers.control;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.ScalingAction;
import dev.scaleplan.api.ScalingExecutor;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The controller a serving framework embeds: built once from the catalog of instance kinds (one model's profile at
 * growing sizes), the SLO and options, it is called every period with an {@link Observation} (and optional
 * {@link LlmSignals}) and answers a {@link Decision}: {@link ScalingAction}s with their expected timing, carried out
 * through a {@link ScalingExecutor}, and the reasons in words.
 *
 * <h2>The default policy: ours</h2>
 * Demand is planned from three signals. The arrival rate comes from a {@link RateEstimator} with Knative's stable and
 * panic windows (knative.dev, KPA configuration: a burst is the panic window at twice the stable rate): the plan takes
 * the highest of the stable window's, the panic window's and the last period's rates, so that a burst moves the target
 * in the period it starts and a lull does not lower it before the stable window and the scale-in window agree (with
 * the panic window off, the stable rate alone). A {@link Forecaster} (by default {@link HoltWinters} over per-minute
 * rates with a daily season) looks ahead over the time a new instance takes to load, so that the target widens before
 * a predictable peak rather than after it. For LLMs, tokens per second against the profile's token throughput, waiting tokens, and KV-cache use
 * against a target fraction (as HPA scales a utilisation metric) can each raise the demand. The backlog is planned to
 * clear within the drain time. Each kind's capacity is the largest rate at which it meets the SLO by the queueing
 * model ({@link InstanceSpec#capacities}).
 *
 * <p>The demand, in capacities of the smallest kind, sets how many instances to run; the instances that serve now are
 * grown in place (vertical: a larger kind of the same GPU type, ready after a short resize) to cover it while new ones
 * load (horizontal), and shrink back once the new ones serve: Themis's two stages (Themis, "Towards Efficient and
 * Responsive Serverless Inference", joint horizontal and vertical scaling). New instances load their parameters by the
 * loading planner's estimate (multicast from serving GPUs, BlitzScale, OSDI 2025), optionally serving in part before
 * they finish (live offload), which the actions' timing states.
 *
 * <h2>Stability</h2>
 * Scale-out acts at once; scale-in waits: the instance count never goes below the highest recommendation of the last
 * stabilisation window (Kubernetes HPA's scale-down stabilisation, 300 s by default), and a recommendation to scale
 * in needs the demand to fall by the hysteresis margin below the smaller count's capacity. At most
 * {@code max(maxStep, maxStepFraction x instances)} instances change per decision (HPA's default scale-up policy: 4
 * pods or 100% per period). With a minimum of 0 instances, an idle deployment (no arrivals, nothing queued or running)
 * scales to zero after the idle window; the first request after that starts an instance at once, and the decision
 * says how many requests are held and how long until the instance serves.
 *
 * <h2>Failures</h2>
 * The controller believes only in instances it observes serving: capacity asked for counts toward the target (so it
 * is not asked for twice) until its deadline, never toward the capacity. An action refused by the executor, reported
 * failed ({@link #report}), or not seen done by its deadline is listed in the next decision's failures, cancelled
 * through the executor, and retried (up to {@code maxRetries} per kind) or replaced by the next best action: a
 * refused or failed resize by starting instances of the smallest kind (a shrink: the larger instances keep serving;
 * and no resizes for a cool-down), a kind that keeps failing by the next larger kind. Instances that disappear without
 * being asked to are reported and replaced.
 *
 * <h2>Other policies</h2>
 * Any {@link AutoscalingPolicy} may be plugged in (the testkit's Kubernetes HPA, Knative KPA and Ray Serve among
 * them): it decides the counts per kind from the observation; the controller still bounds the step and the most
 * instances (the excess comes off the smallest kinds), turns counts into actions, tracks them and handles their
 * failures. Hysteresis, the scale-in window and scale-to-zero are then the policy's own business.
 *
 * <p>Call it once a period (the builder's {@code period}): the rate windows hold a number of observations, not of
 * seconds, so irregular calls stretch or shrink them (a 10 s gap reads as ten times the rate of one period).
 *
 * <p>Thread-safe: every public method synchronises on the controller. A decision allocates its result (the
 * {@link Decision}, its action list and reason text) and nothing else once the controller has warmed up (the default
 * policy; a plugged policy allocates what it allocates).
 */
public final class Autoscaler {
  /** Instances changed per decision (not counting the fraction), by default. */
  public static final int DEFAULT_MAX_STEP = 4;
  /** Forecast buckets fed after one gap at most; a longer gap restarts the buckets' clock. */
  private static final long MAX_CATCH_UP = 100_000;

  private final List<InstanceSpec> catalog;
  private final int kinds;
  private final Slo slo;
  private final double[] capacity;
  private final double[] units;
  private final AutoscalingPolicy policy;
  private final RateEstimator rates;
  private final RateEstimator tokenRates;
  private final boolean panic;
  private final Forecaster forecaster;
  private final double bucketSeconds;
  private final double tokenThroughput;
  private final double kvTarget;
  private final double drainSeconds;
  private final double hysteresis;
  private final double scaleInWindowSeconds;
  private final double idleSeconds;
  private final int minInstances;
  private final int maxInstances;
  private final int maxStep;
  private final double maxStepFraction;
  private final double loadSeconds;
  private final double resizeSeconds;
  private final double partialSeconds;
  private final double timeoutSeconds;
  private final int maxRetries;
  private final double coolDownSeconds;

  // Signals.
  private double bucketStart = Double.NaN;
  private double bucketArrivals;
  private double forecastRate;
  private double idleSince = Double.NaN;
  private double lastNow = Double.NEGATIVE_INFINITY;

  // Scale-in stabilisation: recommendations and their times, a ring that grows only if periods shrink.
  private double[] recTime = new double[64];
  private int[] recCount = new int[64];
  private int recHead;
  private int recSize;

  // Pending actions (starts and resizes not yet seen serving), oldest first.
  private ScalingAction[] pending = new ScalingAction[16];
  private int[] remaining = new int[16];
  private int[] cut = new int[16];  // what each pending start gave up to the latest drain of its kind
  private int pendingSize;
  private long decisionFirstId = 1;  // the first id the latest decision issued
  private final int[] outstanding;
  private final int[] previousReady;
  private final int[] removedSince;
  private final int[] failedStarts;
  private final double[] blockedUntil;
  private double verticalBlockedUntil = Double.NEGATIVE_INFINITY;
  private final List<Decision.Failure> failures = new ArrayList<>();
  private final List<ScalingAction> expired = new ArrayList<>();  // timed out at the latest decision, for step
  private boolean started;
  private long nextId = 1;

  // Scratch, reused by every decision.
  private final int[] provisioned;
  private final int[] want;
  private final int[] ready;
  private final int[] avail;
  private final int[] kept;
  private final int[] moveFrom;
  private final int[] moveTo;
  private final int[] moveCount;
  private int moves;

  private Autoscaler(Builder b, Forecaster forecaster) {
    this.catalog = List.copyOf(b.catalog);
    this.kinds = catalog.size();
    this.slo = b.slo;
    this.capacity = InstanceSpec.capacities(catalog, slo);
    this.units = new double[kinds];
    for (int k = 0; k < kinds; k++) {
      units[k] = capacity[k] / capacity[0];
    }
    this.policy = b.policy;
    this.rates = new RateEstimator(b.period, b.stableSeconds, b.panicSeconds, b.panicThreshold);
    this.tokenRates = b.tokenThroughput > 0
        ? new RateEstimator(b.period, b.stableSeconds, b.panicSeconds, b.panicThreshold) : null;
    this.panic = b.panic;
    this.forecaster = forecaster;
    this.bucketSeconds = b.bucketSeconds;
    this.tokenThroughput = b.tokenThroughput;
    this.kvTarget = b.kvTarget;
    this.drainSeconds = b.drainSeconds;
    this.hysteresis = b.hysteresis;
    this.scaleInWindowSeconds = b.scaleInWindowSeconds;
    this.idleSeconds = b.idleSeconds;
    this.minInstances = b.minInstances;
    this.maxInstances = b.maxInstances;
    this.maxStep = b.maxStep;
    this.maxStepFraction = b.maxStepFraction;
    this.loadSeconds = b.loadSeconds;
    this.resizeSeconds = b.resizeSeconds;
    this.partialSeconds = b.ramp == null ? Double.NaN : halfway(b.ramp, b.loadSeconds);
    this.timeoutSeconds = Double.isNaN(b.timeoutSeconds) ? Math.max(30, 3 * Math.max(b.loadSeconds, b.resizeSeconds))
        : b.timeoutSeconds;
    this.maxRetries = b.maxRetries;
    this.coolDownSeconds = b.coolDownSeconds;
    this.outstanding = new int[kinds];
    this.previousReady = new int[kinds];
    this.removedSince = new int[kinds];
    this.failedStarts = new int[kinds];
    this.blockedUntil = new double[kinds];
    Arrays.fill(blockedUntil, Double.NEGATIVE_INFINITY);
    this.provisioned = new int[kinds];
    this.want = new int[kinds];
    this.ready = new int[kinds];
    this.avail = new int[kinds];
    this.kept = new int[kinds];
    this.moveFrom = new int[2 * kinds];
    this.moveTo = new int[2 * kinds];
    this.moveCount = new int[2 * kinds];
  }

  /** When a live-offload ramp reaches half of an instance's capacity, for a load of {@code loadSeconds}. */
  private static double halfway(TransitionPlanner.Ramp ramp, double loadSeconds) {
    double[] t = ramp.times();
    double[] f = ramp.fractions();
    for (int i = 0; i < t.length; i++) {
      if (f[i] >= 0.5) {
        return Math.min(t[i], loadSeconds);
      }
    }
    return loadSeconds;
  }

  /** A builder over the catalog (one model's instance kinds, smallest first) and the SLO. */
  public static Builder builder(List<InstanceSpec> catalog, Slo slo) {
    return new Builder(catalog, slo);
  }

  /** The capacity of each kind under the SLO, requests per second. */
  public double[] capacities() {
    return capacity.clone();
  }

  /** The catalog, smallest kind first. */
  public List<InstanceSpec> catalog() {
    return catalog;
  }

  /**
   * The policy's name: the plugged policy's, else "scaleplan-autoscaler", with "-reactive" when neither the panic
   * window nor the forecast is on, "-nopanic" or "-noforecast" when one is off.
   */
  public String name() {
    if (policy != null) {
      return policy.name();
    }
    return "scaleplan-autoscaler" + (!panic && forecaster == null ? "-reactive" : !panic ? "-nopanic"
        : forecaster == null ? "-noforecast" : "");
  }

  /** Decides on an observation without LLM signals. */
  public Decision decide(Observation o) {
    return decide(o, LlmSignals.NONE);
  }

  /**
   * Decides on an observation: reconciles what it asked for with what it sees, plans demand and answers the actions.
   * The caller carries them out (or use {@link #step}, which does it through an executor).
   *
   * @throws IllegalArgumentException when the observation does not fit the catalog or goes back in time
   */
  public synchronized Decision decide(Observation o, LlmSignals llm) {
    Objects.requireNonNull(o, "observation");
    Objects.requireNonNull(llm, "LLM signals");
    check(o);
    double now = o.nowSeconds();
    lastNow = now;
    decisionFirstId = nextId;
    StringBuilder why = new StringBuilder(128);
    if (!started) {
      adoptLoading(o, now);
    }
    expired.clear();
    reconcile(o, now, why);
    List<Decision.Failure> failed = failures.isEmpty() ? List.of() : List.copyOf(failures);

    // Signals.
    rates.record(now, o.arrivals());
    double stable = rates.stableRate();
    double panicRate = rates.panicRate();
    boolean burst = panic && rates.bursting();
    double rate = panic ? Math.max(Math.max(stable, panicRate), o.arrivalRate()) : stable;
    forecast(now, o.arrivals());
    double planned = forecaster != null ? Math.max(rate, forecastRate) : rate;
    double need = planned / capacity[0] + o.queued() / (drainSeconds * capacity[0]);
    if (tokenRates != null) {
      tokenRates.record(now, llm.tokensArrived());
      double tokens = panic ? tokenRates.rate() : tokenRates.stableRate();
      need = Math.max(need, (tokens + llm.waitingTokens() / drainSeconds) / tokenThroughput);
    }
    double believedUnits = 0;
    int readyTotal = 0;
    for (int k = 0; k < kinds; k++) {
      believedUnits += ready[k] * units[k];
      readyTotal += ready[k];
    }
    if (llm.kvBlocksTotal() > 0) {
      need = Math.max(need, believedUnits * llm.kvUse() / kvTarget);
    }
    boolean idleNow = o.arrivals() == 0 && o.queued() == 0 && o.inService() == 0;
    idleSince = idleNow ? (Double.isNaN(idleSince) ? now : idleSince) : Double.NaN;

    int current = 0;
    for (int k = 0; k < kinds; k++) {
      current += provisioned[k];
    }
    int step = Math.max(maxStep, (int) Math.ceil(maxStepFraction * current));
    moves = 0;
    if (policy == null) {
      ours(now, need, current, step, why);
    } else {
      plugged(o, now, step, why);
    }
    List<ScalingAction> actions = actions(now, step, why);
    failures.clear();  // only now: a policy that throws leaves them for the next decision

    double believed = capacityOf(ready);
    long held = 0;
    double hold = 0;
    if (readyTotal == 0 && (o.queued() > 0 || o.arrivals() > 0)) {
      held = o.queued();
      double first = firstServing(now);
      hold = held > 0 ? first : 0;
      why.append(pendingCount() == 0
          ? String.format(Locale.ROOT, "scale from zero: %d requests held and no instance starting%n", held)
          : String.format(Locale.ROOT, "scale from zero: %d requests held until the first instance serves, in about "
              + "%.1f s%n", held, first));
    }
    if (burst) {
      why.append(String.format(Locale.ROOT, "burst: %.1f req/s over the panic window vs %.1f stable%n", panicRate,
          stable));
    }
    if (forecaster != null && forecastRate > rate) {
      why.append(String.format(Locale.ROOT, "forecast: %.1f req/s within the next load time (now %.1f)%n",
          forecastRate, rate));
    }
    return new Decision(now, actions, failed, provisioned.clone(), ready.clone(), believed, planned, stable, panicRate, burst,
        forecaster != null ? forecastRate : 0, need, held, hold, why.toString());
  }

  /**
   * Decides and carries the actions out through the executor: an action it refuses (or throws on) is a failure at
   * once, rolled back and replaced by the next best action where there is one; actions that timed out are cancelled
   * through it. The returned decision lists what was carried out and what failed.
   */
  public synchronized Decision step(Observation o, LlmSignals llm, ScalingExecutor executor) {
    Objects.requireNonNull(executor, "executor");
    Decision d = decide(o, llm);
    for (ScalingAction a : expired) {
      try {
        executor.cancel(a);
      } catch (RuntimeException e) {
        // A cancel that fails leaves instances the controller does not count; the next observation shows them.
      }
    }
    List<ScalingAction> done = new ArrayList<>(d.actions().size());
    List<Decision.Failure> failed = new ArrayList<>(d.failures());
    for (ScalingAction a : d.actions()) {
      String refusal = apply(executor, a);
      if (refusal == null) {
        done.add(a);
        continue;
      }
      ScalingAction replacement = refused(a, d.nowSeconds());
      String next = replacement != null ? "replaced by " + replacement
          : a.type() != ScalingAction.Type.RESIZE ? nextStep(a)
          : a.toKind() < a.fromKind() ? "the larger instances keep serving; no resizes during the cool-down"
          : d.actions().stream().anyMatch(x -> x.type() == ScalingAction.Type.START)
              ? "the new instances planned cover the demand once loaded; no resizes during the cool-down"
              : "no resizes during the cool-down; new instances instead where the bounds allow";
      failed.add(new Decision.Failure(a, "refused: " + refusal, next));
      if (replacement != null) {
        String again = apply(executor, replacement);
        if (again == null) {
          done.add(replacement);
        } else {
          refused(replacement, d.nowSeconds());
          failed.add(new Decision.Failure(replacement, "refused: " + again, nextStep(replacement)));
        }
      }
    }
    return new Decision(d.nowSeconds(), List.copyOf(done), List.copyOf(failed), provisioned.clone(), d.ready(),
        d.believedCapacity(), d.plannedRate(), d.stableRate(), d.panicRate(), d.bursting(), d.forecastRate(),
        d.demandUnits(), d.held(), d.held() > 0 ? firstServing(d.nowSeconds()) : 0, d.reasons());
  }

  /** {@link #step(Observation, LlmSignals, ScalingExecutor)} without LLM signals. */
  public Decision step(Observation o, ScalingExecutor executor) {
    return step(o, LlmSignals.NONE, executor);
  }

  /**
   * Says that an action failed (a load that crashed, a pod that cannot be scheduled), as soon as the executor or the
   * framework knows: the controller stops counting it, and the next decision lists it and retries or replaces it.
   *
   * @return whether the action was still pending (false when already done, failed or unknown)
   */
  public synchronized boolean report(long actionId, String cause) {
    Objects.requireNonNull(cause, "cause");
    for (int i = 0; i < pendingSize; i++) {
      if (pending[i].id() == actionId) {
        ScalingAction a = pending[i];
        int left = remaining[i];
        if (left == 0) {
          return false;  // served, or its loading instances drained: nothing of it is pending
        }
        removePending(i);
        outstanding[a.toKind()] -= left;
        provisioned[a.toKind()] -= left;
        if (a.type() == ScalingAction.Type.RESIZE && a.id() >= decisionFirstId) {
          // Failed before the next observation: its instances still serve as they were.
          removedSince[a.fromKind()] -= left;
          avail[a.fromKind()] += left;
          provisioned[a.fromKind()] += left;
        }
        failures.add(new Decision.Failure(a, cause, noteFailure(a, lastNow)));
        return true;
      }
    }
    return false;
  }

  /** Instances observed serving at the last decision, per kind: the only capacity the controller believes in. */
  public synchronized int[] believedReady() {
    return ready.clone();
  }

  /** Requests per second the instances observed serving meet the SLO at. */
  public synchronized double believedCapacity() {
    return capacityOf(ready);
  }

  private double capacityOf(int[] counts) {
    double c = 0;
    for (int k = 0; k < kinds; k++) {
      c += counts[k] * capacity[k];
    }
    return c;
  }

  /** Instances asked for and not yet seen serving, per kind (counted toward the target until their deadline). */
  public synchronized int[] outstanding() {
    return outstanding.clone();
  }

  /**
   * The controller as a policy for whoever applies counts itself (the testkit's cluster simulator): each call decides
   * and answers the target counts; the caller's own starts, resizes and drains carry the actions out.
   */
  public AutoscalingPolicy asPolicy() {
    return new AutoscalingPolicy() {
      @Override
      public String name() {
        return Autoscaler.this.name();
      }

      @Override
      public int[] decide(Observation o) {
        return Autoscaler.this.decide(o).target();
      }
    };
  }

  // -------------------------------------------------------------------------------------------------------------------

  private void check(Observation o) {
    if (o.ready().length != kinds || o.loading().length != kinds) {
      throw new IllegalArgumentException("The observation counts " + o.ready().length + " ready and "
          + o.loading().length + " loading kinds; the controller's catalog has " + kinds + ".");
    }
    if (!Double.isFinite(o.nowSeconds()) || o.nowSeconds() < lastNow) {
      throw new IllegalArgumentException("The observation's time (" + o.nowSeconds() + " s) must be finite and not "
          + "before the last one (" + lastNow + " s).");
    }
    if (o.arrivals() < 0 || o.queued() < 0 || o.inService() < 0) {
      throw new IllegalArgumentException("Arrivals, queued and running requests are counts at least 0; got "
          + o.arrivals() + ", " + o.queued() + ", " + o.inService() + ".");
    }
    for (int k = 0; k < kinds; k++) {
      if (o.ready()[k] < 0 || o.loading()[k] < 0) {
        throw new IllegalArgumentException("Instance counts must be at least 0; kind " + k + " has "
            + o.ready()[k] + " ready and " + o.loading()[k] + " loading.");
      }
    }
  }

  /** At the first observation, instances already loading are taken as asked for now. */
  private void adoptLoading(Observation o, double now) {
    started = true;
    for (int k = 0; k < kinds; k++) {
      previousReady[k] = o.ready()[k];
      if (o.loading()[k] > 0) {
        ScalingAction a = new ScalingAction(nextId++, ScalingAction.Type.START, -1, "", k, catalog.get(k).name(),
            o.loading()[k], now, now + loadSeconds, now + timeoutSeconds, 1, "loading when the controller began");
        addPending(a, o.loading()[k]);
        outstanding[k] += o.loading()[k];
      }
    }
  }

  /**
   * Credits instances seen serving to the oldest pending actions into their kind, notes losses nobody asked for, and
   * gives up on actions past their deadline.
   */
  private void reconcile(Observation o, double now, StringBuilder why) {
    for (int k = 0; k < kinds; k++) {
      ready[k] = o.ready()[k];
      int gained = ready[k] - (previousReady[k] - removedSince[k]);
      // First to the actions expected done by now (a resize issued after a start that still loads), then the rest.
      for (int pass = 0; pass < 2 && gained > 0; pass++) {
        for (int i = 0; i < pendingSize && gained > 0; i++) {
          if (pending[i].toKind() == k && (pending[i].expectedReadySeconds() <= now) == (pass == 0)) {
            int credit = Math.min(gained, remaining[i]);
            remaining[i] -= credit;
            outstanding[k] -= credit;
            gained -= credit;
          }
        }
      }
      if (gained < 0) {
        why.append(String.format(Locale.ROOT, "lost %d x %s without asking (a GPU or instance gone); replacing%n",
            -gained, catalog.get(k).name()));
      }
      previousReady[k] = ready[k];
      removedSince[k] = 0;
    }
    for (int i = 0; i < pendingSize; ) {
      ScalingAction a = pending[i];
      if (remaining[i] == 0) {
        removePending(i);
      } else if (now > a.deadlineSeconds()) {
        outstanding[a.toKind()] -= remaining[i];
        expired.add(a);
        failures.add(new Decision.Failure(a, String.format(Locale.ROOT, "not serving by its deadline (%d of %d "
            + "missing at %.1f s)", remaining[i], a.count(), a.deadlineSeconds()), noteFailure(a, now)));
        removePending(i);
      } else {
        i++;
      }
    }
    for (int k = 0; k < kinds; k++) {
      provisioned[k] = ready[k] + outstanding[k];
      avail[k] = ready[k];
    }
  }

  /** Counts a failure against its kind and says what comes next. */
  private String noteFailure(ScalingAction a, double now) {
    if (a.type() == ScalingAction.Type.RESIZE) {
      verticalBlockedUntil = now + coolDownSeconds;
      return String.format(Locale.ROOT, a.toKind() < a.fromKind() ? "no resizes until %.0f s; the larger instances "
          + "keep serving" : "no resizes until %.0f s; new instances instead", verticalBlockedUntil);
    }
    int k = a.toKind();
    if (++failedStarts[k] >= maxRetries) {
      failedStarts[k] = 0;
      blockedUntil[k] = now + coolDownSeconds;
      int next = startable(k, now);
      return next < 0 ? String.format(Locale.ROOT, "%s failed %d times; no kind can be started until %.0f s",
          catalog.get(k).name(), maxRetries, blockedUntil[k])
          : String.format(Locale.ROOT, "%s failed %d times; starting %s instead until %.0f s", catalog.get(k).name(),
              maxRetries, catalog.get(next).name(), blockedUntil[k]);
    }
    return "retried at the next decision";
  }

  private String nextStep(ScalingAction a) {
    return a.type() == ScalingAction.Type.STOP ? "tried again at the next decision" : "retried or replaced at the "
        + "next decision";
  }

  /** The kind to start for kind {@code k}: itself unless blocked, else the next larger unblocked one; -1 if none. */
  private int startable(int k, double now) {
    for (int j = k; j < kinds; j++) {
      if (blockedUntil[j] <= now) {
        return j;
      }
    }
    for (int j = k - 1; j >= 0; j--) {
      if (blockedUntil[j] <= now) {
        return j;
      }
    }
    return -1;
  }

  /** Feeds per-bucket rates to the forecaster and looks ahead over the load time. */
  private void forecast(double now, long arrivals) {
    if (forecaster == null) {
      return;
    }
    if (Double.isNaN(bucketStart)) {
      bucketStart = now;  // the first observation's arrivals came before it
      return;
    }
    bucketArrivals += arrivals;
    double elapsed = now - bucketStart;
    long buckets = (long) Math.floor(elapsed / bucketSeconds + 1e-9);
    if (buckets >= 1) {
      // One rate per bucket elapsed (a gap spreads its arrivals evenly), and buckets keep time: what arrived after
      // the last whole bucket carries its share into the next one.
      double rate = bucketArrivals / elapsed;
      for (long b = Math.min(buckets, MAX_CATCH_UP); b > 0; b--) {
        forecaster.observe(rate);
      }
      bucketStart = buckets > MAX_CATCH_UP ? now : bucketStart + buckets * bucketSeconds;
      bucketArrivals = rate * Math.max(0, now - bucketStart);
      // From the bucket just closed to the end of a load started now: the load time plus a bucket.
      int horizon = (int) Math.ceil(loadSeconds / bucketSeconds - 1e-9) + 1;
      double best = 0;
      for (int h = 1; h <= horizon; h++) {
        best = Math.max(best, forecaster.forecast(h));
      }
      forecastRate = best;
    }
  }

  /** The default policy: instance count with hysteresis and stabilisation, then the two stages per kind. */
  private void ours(double now, double need, int current, int step, StringBuilder why) {
    int raw = (int) Math.min(maxInstances, Math.ceil(need - 1e-9));
    int floor = minInstances;
    if (floor == 0 && current > 0 && (Double.isNaN(idleSince) || now - idleSince < idleSeconds)) {
      floor = 1;  // not idle long enough to scale to zero
    }
    if (need > 0) {
      floor = Math.max(floor, 1);
    }
    raw = Math.max(raw, floor);
    int rec = raw;
    if (raw < current) {
      int margin = (int) Math.min(maxInstances, Math.ceil(need / (1 - hysteresis) - 1e-9));
      rec = Math.min(current, Math.max(raw, margin));
    }
    remember(now, rec);
    int target = rec;
    if (rec < current && rec > 0) {  // the idle window is the stabilisation for scaling to zero
      int hold = rec;
      for (int i = 0; i < recSize; i++) {
        int j = Math.floorMod(recHead - i, recTime.length);
        if (recTime[j] > now - scaleInWindowSeconds) {
          hold = Math.max(hold, recCount[j]);
        }
      }
      target = Math.min(current, hold);
      if (target > rec) {
        why.append(String.format(Locale.ROOT, "scale-in to %d held at %d by the %.0f s stabilisation window%n", rec,
            target, scaleInWindowSeconds));
      }
    }
    target = Math.max(current - step, Math.min(current + step, target));
    if (target == 0 && current > 0) {
      why.append(String.format(Locale.ROOT, "idle for %.0f s: scale to zero%n", now - idleSince));
    }
    if (target != current) {
      why.append(String.format(Locale.ROOT, "demand %.2f x %s (%.1f req/s each): %d -> %d instances%n", need,
          catalog.get(0).name(), capacity[0], current, target));
    }

    // The two stages. The instances kept are the largest serving ones; while vertical steps are allowed, they grow in
    // place, the least grown a size at a time, until they cover the demand alone (new instances still load), and
    // shrink back, the most grown first, while what is left still covers the demand with the hysteresis margin.
    Arrays.fill(want, 0);
    int left = target;
    double have = 0;
    for (int k = kinds - 1; k >= 0; k--) {
      want[k] = Math.min(ready[k], left);
      kept[k] = want[k];
      left -= want[k];
      have += want[k] * units[k];
    }
    if (kinds > 1 && now >= verticalBlockedUntil) {
      while (have < need - 1e-9) {
        int l = 0;
        while (l < kinds - 1 && want[l] == 0) {
          l++;
        }
        if (l == kinds - 1) {
          break;  // every serving instance is at the largest size (or none serves)
        }
        want[l]--;
        want[l + 1]++;
        have += units[l + 1] - units[l];
      }
      while (true) {
        int l = kinds - 1;
        while (l > 0 && want[l] == 0) {
          l--;
        }
        double smaller = have - (units[l] - units[Math.max(0, l - 1)]);
        if (l == 0 || smaller * (1 - hysteresis) < need) {
          break;
        }
        want[l]--;
        want[l - 1]++;
        have = smaller;
      }
    }
    // Pair the kept instances with their sizes in order (least grown with least grown): the resizes.
    for (int i = 0, j = 0, ki = kept[0], fj = want[0]; i < kinds && j < kinds; ) {
      if (ki == 0) {
        ki = ++i < kinds ? kept[i] : 0;
      } else if (fj == 0) {
        fj = ++j < kinds ? want[j] : 0;
      } else {
        int n = Math.min(ki, fj);
        if (i != j) {
          if (moves > 0 && moveFrom[moves - 1] == i && moveTo[moves - 1] == j) {
            moveCount[moves - 1] += n;
          } else {
            moveFrom[moves] = i;
            moveTo[moves] = j;
            moveCount[moves++] = n;
          }
        }
        ki -= n;
        fj -= n;
      }
    }
    // Instances loading stay as they are; new ones are of the smallest kind that has not kept failing.
    for (int k = 0; k < kinds && left > 0; k++) {
      int n = Math.min(outstanding[k], left);
      want[k] += n;
      left -= n;
    }
    if (left > 0) {
      int kind = startable(0, now);
      if (kind == 0) {
        want[0] += left;
      } else if (kind > 0) {
        want[kind] += (int) Math.ceil(left / units[kind] - 1e-9);
      } else {
        why.append(String.format(Locale.ROOT, "cannot start %d instances: every kind failed recently%n", left));
      }
    }
  }

  /** A plugged policy: its counts per kind, from what the controller believes. */
  private void plugged(Observation o, double now, int step, StringBuilder why) {
    Observation believed = new Observation(now, o.periodSeconds(), o.arrivals(), o.completions(), o.violations(),
        o.p50Seconds(), o.p99Seconds(), o.queued(), o.inService(), ready.clone(), outstanding.clone(), catalog,
        o.sloSeconds());
    int[] w = policy.decide(believed);
    if (w == null || w.length != kinds) {
      throw new IllegalStateException("Policy '" + policy.name() + "' answered " + (w == null ? "null" : w.length
          + " counts") + "; it must answer one count per catalog kind (" + kinds + ").");
    }
    for (int k = 0; k < kinds; k++) {
      if (w[k] < 0) {
        throw new IllegalStateException("Policy '" + policy.name() + "' wants " + w[k] + " instances of kind " + k
            + "; counts must be at least 0.");
      }
      want[k] = w[k];
    }
    why.append("policy ").append(policy.name()).append(" wants ").append(Arrays.toString(w)).append('\n');
    int excess = -maxInstances;
    for (int k = 0; k < kinds; k++) {
      excess += want[k];
    }
    if (excess > 0) {
      // At most maxInstances: the excess comes off the smallest kinds first.
      for (int k = 0; k < kinds && excess > 0; k++) {
        int c = Math.min(excess, want[k]);
        want[k] -= c;
        excess -= c;
      }
      why.append(String.format(Locale.ROOT, "at most %d instances: %s%n", maxInstances, Arrays.toString(want)));
    }
  }

  /**
   * Turns the wanted counts into actions within the step bound: resizes between serving instances (growing first),
   * then starts, then drains (loading instances first, which is what Kubernetes removes first too).
   */
  private List<ScalingAction> actions(double now, int step, StringBuilder why) {
    List<ScalingAction> out = new ArrayList<>(4);
    int budget = step;
    for (int m = 0; m < moves && budget > 0; m++) {
      int n = Math.min(moveCount[m], budget);
      out.add(resize(moveFrom[m], moveTo[m], n, now, moveTo[m] > moveFrom[m]
          ? "grow in place to cover the demand while new instances load"
          : "shrink back: the demand fits the smaller size"));
      budget -= n;
    }
    // A plugged policy's counts: a deficit of a larger kind is met by growing serving instances of the largest
    // smaller kind with a surplus; then a surplus of a larger kind meets a deficit of a smaller one by shrinking.
    if (policy != null && now >= verticalBlockedUntil) {
      for (int b = kinds - 1; b > 0 && budget > 0; b--) {
        for (int a = b - 1; a >= 0 && want[b] > provisioned[b] && budget > 0; a--) {
          int n = Math.min(Math.min(want[b] - provisioned[b], provisioned[a] - want[a]), Math.min(avail[a], budget));
          if (n > 0) {
            out.add(resize(a, b, n, now, "grow in place to cover the demand while new instances load"));
            budget -= n;
          }
        }
      }
      for (int a = 0; a < kinds - 1 && budget > 0; a++) {
        for (int b = kinds - 1; b > a && want[a] > provisioned[a] && budget > 0; b--) {
          int n = Math.min(Math.min(want[a] - provisioned[a], provisioned[b] - want[b]), Math.min(avail[b], budget));
          if (n > 0) {
            out.add(resize(b, a, n, now, "shrink back: the demand fits the smaller size"));
            budget -= n;
          }
        }
      }
    }
    for (int k = 0; k < kinds && budget > 0; k++) {
      int n = Math.min(want[k] - provisioned[k], budget);
      if (n > 0) {
        int kind = startable(k, now);
        if (kind < 0) {
          why.append(String.format(Locale.ROOT, "cannot start %d x %s: every kind failed recently%n", n,
              catalog.get(k).name()));
          continue;
        }
        int count = n;
        if (kind != k) {
          // The replacement is wanted (not drained below); what of its kind runs beyond the wanted count covers
          // part of it already (the replacement started at an earlier decision).
          count = Math.max(1, (int) Math.ceil(n * units[k] / units[kind] - 1e-9));
          int surplus = Math.max(0, provisioned[kind] - want[kind]);
          want[kind] += count;
          count -= surplus;
          if (count <= 0) {
            continue;
          }
        }
        out.add(start(kind, count, now, kind == k ? "demand above what serves and loads"
            : catalog.get(k).name() + " keeps failing; the next larger kind instead"));
        budget -= count;
      }
    }
    for (int k = 0; k < kinds && budget > 0; k++) {
      int n = Math.min(provisioned[k] - want[k], budget);
      if (n > 0) {
        out.add(stop(k, n, now));
        budget -= n;
      }
    }
    return out;
  }

  private ScalingAction start(int k, int n, double now, String reason) {
    double ready = now + loadSeconds;
    String timing = Double.isNaN(partialSeconds) ? reason : String.format(Locale.ROOT,
        "%s; serves half its capacity after %.1f s by live offload", reason, partialSeconds);
    ScalingAction a = new ScalingAction(nextId++, ScalingAction.Type.START, -1, "", k, catalog.get(k).name(), n, now,
        ready, Math.max(ready, now + timeoutSeconds), failedStarts[k] + 1, timing);
    addPending(a, n);
    outstanding[k] += n;
    provisioned[k] += n;
    return a;
  }

  private ScalingAction resize(int from, int to, int n, double now, String reason) {
    double done = now + resizeSeconds;
    ScalingAction a = new ScalingAction(nextId++, ScalingAction.Type.RESIZE, from, catalog.get(from).name(), to,
        catalog.get(to).name(), n, now, done, Math.max(done, now + timeoutSeconds), 1, reason);
    addPending(a, n);
    outstanding[to] += n;
    provisioned[to] += n;
    provisioned[from] -= n;
    avail[from] -= n;
    removedSince[from] += n;
    return a;
  }

  private ScalingAction stop(int k, int n, double now) {
    ScalingAction a = new ScalingAction(nextId++, ScalingAction.Type.STOP, k, catalog.get(k).name(), -1, "", n, now,
        now, now, 1, "demand below the capacity of fewer instances");
    // Loading instances go first: the newest pending starts of the kind give up their count (noted, for a refusal).
    int left = n;
    for (int i = pendingSize - 1; i >= 0; i--) {
      if (pending[i].toKind() == k && pending[i].type() == ScalingAction.Type.START) {
        int c = Math.min(left, remaining[i]);
        cut[i] = c;
        remaining[i] -= c;
        outstanding[k] -= c;
        left -= c;
      }
    }
    avail[k] -= left;
    removedSince[k] += left;
    provisioned[k] -= n;
    return a;
  }

  /** Carries out one action; null when accepted, else the refusal in words. */
  private static String apply(ScalingExecutor executor, ScalingAction a) {
    try {
      ScalingExecutor.Outcome out = executor.apply(a);
      if (out == null) {
        return "the executor answered nothing";
      }
      return out.accepted() ? null : out.detail().isEmpty() ? "no reason given" : out.detail();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
  }

  /** Rolls back a refused action and answers its replacement (already booked), or null. */
  private ScalingAction refused(ScalingAction a, double now) {
    switch (a.type()) {
      case STOP -> {
        // It did not happen: what it removed is back, the loading instances it took to the starts they came from.
        int k = a.fromKind();
        int loading = 0;
        for (int i = 0; i < pendingSize; i++) {
          if (pending[i].toKind() == k && pending[i].type() == ScalingAction.Type.START) {
            remaining[i] += cut[i];
            outstanding[k] += cut[i];
            loading += cut[i];
            cut[i] = 0;
          }
        }
        avail[k] += a.count() - loading;
        removedSince[k] -= a.count() - loading;
        provisioned[k] += a.count();
        return null;
      }
      case RESIZE -> {
        if (!dropPending(a)) {
          return null;  // reported failed while the executor had it: rolled back then
        }
        avail[a.fromKind()] += a.count();
        removedSince[a.fromKind()] -= a.count();
        provisioned[a.fromKind()] += a.count();
        noteFailure(a, now);
        // Ours plans new instances beside every resize (they cover the demand once loaded) and plans horizontally
        // during the cool-down; a plugged policy asked for the larger kind, so it gets new instances of that kind.
        int kind = policy == null ? -1 : startable(a.toKind(), now);
        return kind < 0 ? null : start(kind, a.count(), now, "replaces refused resize #" + a.id());
      }
      default -> {
        if (dropPending(a)) {
          noteFailure(a, now);
        }
        return null;
      }
    }
  }

  /** Stops counting a pending action; false when it was not pending (reported failed already). */
  private boolean dropPending(ScalingAction a) {
    for (int i = 0; i < pendingSize; i++) {
      if (pending[i].id() == a.id()) {
        outstanding[a.toKind()] -= remaining[i];
        provisioned[a.toKind()] -= remaining[i];
        removePending(i);
        return true;
      }
    }
    return false;
  }

  /** Pending starts and resizes with instances still to come. */
  private int pendingCount() {
    int n = 0;
    for (int i = 0; i < pendingSize; i++) {
      if (remaining[i] > 0) {
        n++;
      }
    }
    return n;
  }

  /** Seconds until the first pending start or resize is expected to serve (0 when none is pending). */
  private double firstServing(double now) {
    double first = Double.POSITIVE_INFINITY;
    for (int i = 0; i < pendingSize; i++) {
      if (remaining[i] > 0) {
        double at = Double.isNaN(partialSeconds) || pending[i].type() != ScalingAction.Type.START
            ? pending[i].expectedReadySeconds() : pending[i].issuedAtSeconds() + partialSeconds;
        first = Math.min(first, at);
      }
    }
    return first == Double.POSITIVE_INFINITY ? 0 : Math.max(0, first - now);
  }

  private void remember(double now, int rec) {
    if (recSize > 0 && recTime[recHead] == now) {
      recCount[recHead] = Math.max(recCount[recHead], rec);  // one entry per instant keeps the ring bounded
      return;
    }
    if (recSize == recTime.length && recTime[Math.floorMod(recHead - recSize + 1, recTime.length)]
        > now - scaleInWindowSeconds) {
      // The window holds more recommendations than the ring: double it (only when periods shrink).
      double[] t = new double[recTime.length * 2];
      int[] c = new int[recTime.length * 2];
      for (int i = 0; i < recSize; i++) {
        int j = Math.floorMod(recHead - recSize + 1 + i, recTime.length);
        t[i] = recTime[j];
        c[i] = recCount[j];
      }
      recTime = t;
      recCount = c;
      recHead = recSize - 1;
    }
    recHead = (recHead + 1) % recTime.length;
    recTime[recHead] = now;
    recCount[recHead] = rec;
    recSize = Math.min(recSize + 1, recTime.length);
  }

  private void addPending(ScalingAction a, int n) {
    if (pendingSize == pending.length) {
      pending = Arrays.copyOf(pending, pendingSize * 2);
      remaining = Arrays.copyOf(remaining, pendingSize * 2);
      cut = Arrays.copyOf(cut, pendingSize * 2);
    }
    pending[pendingSize] = a;
    remaining[pendingSize] = n;
    cut[pendingSize] = 0;
    pendingSize++;
  }

  private void removePending(int i) {
    System.arraycopy(pending, i + 1, pending, i, pendingSize - i - 1);
    System.arraycopy(remaining, i + 1, remaining, i, pendingSize - i - 1);
    System.arraycopy(cut, i + 1, cut, i, pendingSize - i - 1);
    pendingSize--;
    pending[pendingSize] = null;
  }

  /** Options for an {@link Autoscaler}; every setter checks its value. */
  public static final class Builder {
    private final List<InstanceSpec> catalog;
    private final Slo slo;
    private AutoscalingPolicy policy;
    private double period = 1;
    private double stableSeconds = 60;
    private double panicSeconds = 6;
    private double panicThreshold = 2;
    private boolean panic = true;
    private Forecaster forecaster;
    private boolean forecasting = true;
    private double bucketSeconds = 60;
    private double seasonSeconds = 86_400;
    private double tokenThroughput;
    private double kvTarget = 0.8;
    private double drainSeconds = 5;
    private double hysteresis = 0.1;
    private double scaleInWindowSeconds = 300;
    private double idleSeconds = 300;
    private int minInstances;
    private int maxInstances = 1_000;
    private int maxStep = DEFAULT_MAX_STEP;
    private double maxStepFraction = 1;
    private double loadSeconds = 10;
    private double resizeSeconds = 1;
    private TransitionPlanner.Ramp ramp;
    private double timeoutSeconds = Double.NaN;
    private int maxRetries = 2;
    private double coolDownSeconds = 300;

    private Builder(List<InstanceSpec> catalog, Slo slo) {
      if (catalog == null || catalog.isEmpty()) {
        throw new IllegalArgumentException("The catalog must list at least one instance kind.");
      }
      this.catalog = List.copyOf(catalog);
      this.slo = Objects.requireNonNull(slo, "slo");
    }

    /** Plugs in another policy (the baselines among them); without one, ours decides. */
    public Builder policy(AutoscalingPolicy p) {
      this.policy = Objects.requireNonNull(p, "policy");
      return this;
    }

    /** How often the framework calls the controller, seconds (default 1). */
    public Builder period(double seconds) {
      this.period = Checks.positive("period (s)", seconds);
      return this;
    }

    /** The stable and panic windows and the burst ratio (defaults: Knative's 60 s, 6 s and 2). */
    public Builder windows(double stable, double panicWindow, double threshold) {
      new RateEstimator(period, stable, panicWindow, threshold);  // checks them
      this.stableSeconds = stable;
      this.panicSeconds = panicWindow;
      this.panicThreshold = threshold;
      return this;
    }

    /** Whether bursts (the panic window) raise the planned rate (default true). */
    public Builder panic(boolean on) {
      this.panic = on;
      return this;
    }

    /** Whether a forecaster looks ahead over the load time (default true, Holt-Winters with a daily season). */
    public Builder forecasting(boolean on) {
      this.forecasting = on;
      return this;
    }

    /** The forecaster to use, fed one mean rate per bucket (default Holt-Winters, alpha 0.5, beta 0.1, gamma 0.1). */
    public Builder forecaster(Forecaster f, double bucket) {
      this.forecaster = Objects.requireNonNull(f, "forecaster");
      this.bucketSeconds = Checks.positive("forecast bucket (s)", bucket);
      this.forecasting = true;
      return this;
    }

    /** The default forecaster's bucket and season (defaults 60 s and a day). */
    public Builder season(double bucket, double season) {
      this.bucketSeconds = Checks.positive("forecast bucket (s)", bucket);
      if (!(season >= 2 * bucket) || Double.isInfinite(season)) {
        throw new IllegalArgumentException("The season (" + season + " s) must hold at least two buckets of "
            + bucket + " s.");
      }
      this.seasonSeconds = season;
      return this;
    }

    /**
     * Token-based demand: tokens per second one instance of the smallest kind serves within the SLO (larger kinds in
     * proportion to their request capacity); 0 (the default) turns token demand off.
     */
    public Builder tokenThroughput(double tokensPerSecond) {
      this.tokenThroughput = Checks.nonNegative("token throughput (tokens/s)", tokensPerSecond);
      return this;
    }

    /** The KV-cache fraction in use to keep below (default 0.8). */
    public Builder kvTarget(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("The KV-cache target (" + fraction + ") must be in (0, 1].");
      }
      this.kvTarget = fraction;
      return this;
    }

    /** Seconds in which to clear the backlog (default 5). */
    public Builder drainSeconds(double seconds) {
      this.drainSeconds = Checks.positive("drain time (s)", seconds);
      return this;
    }

    /** The fraction the demand must fall below a smaller count's capacity before scaling in (default 0.1). */
    public Builder hysteresis(double fraction) {
      if (!(fraction >= 0 && fraction < 1)) {
        throw new IllegalArgumentException("The hysteresis (" + fraction + ") must be in [0, 1).");
      }
      this.hysteresis = fraction;
      return this;
    }

    /** The scale-in stabilisation window, seconds (default 300, HPA's). */
    public Builder scaleInWindow(double seconds) {
      this.scaleInWindowSeconds = Checks.nonNegative("scale-in window (s)", seconds);
      return this;
    }

    /** Seconds of idleness before scaling to zero, with a minimum of 0 instances (default 300). */
    public Builder idleBeforeZero(double seconds) {
      this.idleSeconds = Checks.nonNegative("idle time before zero (s)", seconds);
      return this;
    }

    /** The fewest and most instances (defaults 0, scale to zero allowed, and 1,000). */
    public Builder instances(int min, int max) {
      Checks.atLeast("minimum instances", min, 0);
      Checks.atLeast("maximum instances", max, Math.max(1, min));
      this.minInstances = min;
      this.maxInstances = max;
      return this;
    }

    /** At most {@code max(count, fraction x instances)} instances change per decision (defaults 4 and 1.0). */
    public Builder maxStep(int count, double fraction) {
      Checks.atLeast("instances changed per decision", count, 1);
      this.maxStep = count;
      this.maxStepFraction = Checks.nonNegative("fraction changed per decision", fraction);
      return this;
    }

    /**
     * Seconds a new instance takes to load (default 10), for example the loading planner's makespan for multicast
     * from serving GPUs ({@code LoadPlanner.plan(...).makespanSeconds()}), and the resize time (default 1).
     */
    public Builder timing(double load, double resize) {
      this.loadSeconds = Checks.nonNegative("load time (s)", load);
      this.resizeSeconds = Checks.nonNegative("resize time (s)", resize);
      if (Double.isInfinite(load) || Double.isInfinite(resize)) {
        throw new IllegalArgumentException("Load and resize times must be finite; got " + load + " and " + resize
            + ".");
      }
      return this;
    }

    /** The live-offload ramp of a new instance (from the offload planner), so actions say when it serves in part. */
    public Builder liveOffload(TransitionPlanner.Ramp r) {
      this.ramp = Objects.requireNonNull(r, "ramp");
      return this;
    }

    /** Seconds after which an action not seen done has failed (default max(30, 3 x the load or resize time)). */
    public Builder timeout(double seconds) {
      this.timeoutSeconds = Checks.positive("action timeout (s)", seconds);
      if (Double.isInfinite(seconds)) {
        throw new IllegalArgumentException("The action timeout must be finite.");
      }
      return this;
    }

    /** Failures of one kind before it is set aside, and for how long (defaults 2 and 300 s). */
    public Builder retries(int max, double coolDown) {
      this.maxRetries = Checks.atLeast("retries", max, 1);
      this.coolDownSeconds = Checks.nonNegative("cool-down (s)", coolDown);
      return this;
    }

    public Autoscaler build() {
      if (Double.isNaN(timeoutSeconds) ? false : timeoutSeconds < Math.max(loadSeconds, resizeSeconds)) {
        throw new IllegalArgumentException("The action timeout (" + timeoutSeconds + " s) must be at least the load "
            + "and resize times (" + loadSeconds + ", " + resizeSeconds + " s).");
      }
      new RateEstimator(period, stableSeconds, panicSeconds, panicThreshold);  // the windows against the period
      Forecaster f = !forecasting ? null : forecaster != null ? forecaster
          : new HoltWinters(0.5, 0.1, 0.1, (int) Math.max(2, Math.round(seasonSeconds / bucketSeconds)));
      return new Autoscaler(this, f);
    }
  }
}

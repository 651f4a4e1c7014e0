package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.Checks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to get from what runs now to a deployment that serves a new rate: first the fastest cover of a surge, then,
 * once the surge has held for a stabilisation window, the move to the minimum-cost target.
 *
 * <p>This follows Themis (joint horizontal/vertical autoscaling): vertical steps grow an instance in place (more
 * replicas of the same GPU type, parallel degree and batch cap, only with free GPUs on its own host)
 * and are ready after the reconfiguration time; horizontal steps add instances on free GPUs and are ready after the
 * load time. The faster kind comes first: vertical steps, as Themis argues, unless a new instance loads sooner (a
 * small model over a fast network), in which case the order below is reversed:
 * <ol>
 *   <li>Vertical: per host, a multiple-choice knapsack over the host's free GPUs gives the largest capacity gain for
 *       every number of extra GPUs (each instance takes at most one upgrade); a group knapsack over hosts then picks
 *       the fewest extra GPUs whose gain covers the deficit, or, when no choice covers it, the largest gain with the
 *       fewest GPUs. Both knapsacks are exact.
 *   <li>Horizontal, for what vertical steps cannot cover: the minimum-cost set of new instances ({@link TargetDp}
 *       over the options that fit a host's remaining free GPUs), placed best-fit; when the free GPUs cannot hold that
 *       set, new instances are added greedily by capacity per cost while any fits. The surge plan is then reported as
 *       not covering the rate, with the shortfall.
 * </ol>
 * The capacity timeline is a step function (each action's capacity counts from its ready time); the requests above
 * capacity are {@code integral of max(0, rate - capacity(t)) dt} until the rate is covered.
 *
 * <p>Scale-in is conservative, as Kubernetes HPA's is: nothing is removed or shrunk before the stabilisation window
 * has passed, the target keeps at least {@code minInstances} instances, and removals wait until the target's new
 * instances are ready (make before break), so capacity never drops below the rate during consolidation.
 */
public final class TransitionPlanner {
  private TransitionPlanner() {}

  /**
   * Times and limits of scaling actions.
   *
   * @param verticalSeconds time for an in-place reconfiguration (grow or shrink), at least 0
   * @param horizontalSeconds time for a new instance to load its parameters and serve, at least 0
   * @param stabilisationSeconds how long the new rate must hold before scaling in, at least 0 (HPA's default
   *     scale-down window is 300 s)
   * @param minInstances the fewest instances after consolidation, at least 1
   */
  public record Timing(double verticalSeconds, double horizontalSeconds, double stabilisationSeconds,
      int minInstances, Ramp horizontalRamp) {
    public Timing {
      finite("vertical reconfiguration time (s)", verticalSeconds);
      finite("horizontal load time (s)", horizontalSeconds);
      finite("stabilisation window (s)", stabilisationSeconds);
      Checks.atLeast("minimum instance count", minInstances, 1);
      Objects.requireNonNull(horizontalRamp, "horizontalRamp");
    }

    /** Times whose new instances serve nothing until loaded ({@link Ramp#STEP}). */
    public Timing(double verticalSeconds, double horizontalSeconds, double stabilisationSeconds, int minInstances) {
      this(verticalSeconds, horizontalSeconds, stabilisationSeconds, minInstances, Ramp.STEP);
    }

    /** The same times with a ramp for new instances (from live offload while they load). */
    public Timing withHorizontalRamp(Ramp ramp) {
      return new Timing(verticalSeconds, horizontalSeconds, stabilisationSeconds, minInstances, ramp);
    }

    private static void finite(String name, double v) {
      Checks.nonNegative(name, v);
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("The " + name + " (" + v + ") must be finite.");
      }
    }

    /** 2 s in place, 20 s to load a new instance, a 300 s stabilisation window, at least one instance. */
    public static Timing defaults() {
      return new Timing(2, 20, 300, 1);
    }
  }

  /**
   * How much of a new instance's capacity serves while it loads, as a step function of the time since its start:
   * {@code fractions[k]} from {@code times[k]} on (0 before the first step), and all of it once loaded. Live offload
   * (the {@code offload} package's capacity timeline) gives one; {@link #STEP} is none.
   *
   * @param times increasing times since the action's start, each at least 0
   * @param fractions the fraction of the instance's capacity from each time on, each in [0, 1]
   */
  public record Ramp(double[] times, double[] fractions) {
    /** No capacity until loaded. */
    public static final Ramp STEP = new Ramp(new double[0], new double[0]);

    public Ramp {
      times = times.clone();
      fractions = fractions.clone();
      if (times.length != fractions.length) {
        throw new IllegalArgumentException("A ramp needs one fraction per time (" + times.length + " times, "
            + fractions.length + " fractions).");
      }
      for (int i = 0; i < times.length; i++) {
        if (!(times[i] >= 0) || !Double.isFinite(times[i]) || i > 0 && times[i] <= times[i - 1]) {
          throw new IllegalArgumentException("Ramp times must be finite, at least 0 and increasing (" + times[i]
              + " at " + i + ").");
        }
        if (!(fractions[i] >= 0 && fractions[i] <= 1)) {
          throw new IllegalArgumentException("Ramp fractions must be in [0, 1] (" + fractions[i] + " at " + i + ").");
        }
      }
    }

    @Override
    public double[] times() {
      return times.clone();
    }

    @Override
    public double[] fractions() {
      return fractions.clone();
    }

    /** The fraction serving {@code t} seconds after the start (before the instance is loaded). */
    public double at(double t) {
      double f = 0;
      for (int i = 0; i < times.length && times[i] <= t; i++) {
        f = fractions[i];
      }
      return f;
    }
  }

  /**
   * Which steps a surge may take. Themis compares joint scaling with the two single-dimension policies; the baselines
   * are here so that the comparison runs on the same deployment.
   */
  public enum Strategy {
    /** Vertical steps first, horizontal steps for the rest (the default). */
    JOINT,
    /** Only new instances. */
    HORIZONTAL_ONLY,
    /** Only in-place growth. */
    VERTICAL_ONLY
  }

  /** What an action does. */
  public enum Kind {
    /** Add replicas to an instance in place. */
    GROW,
    /** Start a new instance. */
    ADD,
    /** Take replicas away from an instance in place. */
    SHRINK,
    /** Stop an instance. */
    REMOVE;

    /** Lower-case name for output. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One timed action.
   *
   * @param kind what it does
   * @param instance the instance's id
   * @param host where
   * @param from the configuration before (empty for an added instance)
   * @param to the configuration after (empty for a removed instance)
   * @param startSeconds when it starts, from the moment the plan is made
   * @param readySeconds when its capacity counts (or stops counting, for a removal)
   * @param capacityAfterPerSecond the deployment's capacity once this action and all earlier-ready ones are done
   */
  public record Action(Kind kind, String instance, String host, Optional<InstanceOption> from,
      Optional<InstanceOption> to, double startSeconds, double readySeconds, double capacityAfterPerSecond) {}

  /**
   * One phase of a transition.
   *
   * @param actions the actions in order of ready time
   * @param coveredAtSeconds when the capacity first covers the rate, infinite if it never does
   * @param excessRequests the expected requests above capacity, {@code integral of max(0, rate - capacity)} until
   *     covered (over the phase's actions when it never is)
   * @param shortfallPerSecond how far the final capacity falls short of the demand (0 when covered)
   * @param result the deployment once every action is done
   */
  public record Stage(List<Action> actions, double coveredAtSeconds, double excessRequests,
      double shortfallPerSecond, Deployment result) {}

  /**
   * The whole transition.
   *
   * @param ratePerSecond the new rate
   * @param demandPerSecond rate times headroom, what capacity must cover
   * @param timing the action times and limits used
   * @param surge the fastest cover of the new rate
   * @param target the minimum-cost plan for the new rate (ignoring where instances run now)
   * @param consolidation the move from the surge's result to the target after the stabilisation window, when that is
   *     cheaper and possible
   * @param notes sentences on what was not possible or not needed
   */
  public record Transition(double ratePerSecond, double demandPerSecond, Timing timing, Stage surge,
      ScalingPlan target, Optional<Stage> consolidation, List<String> notes) {
    /** Whether the surge stage covers the demand. */
    public boolean covers() {
      return surge.shortfallPerSecond() == 0;
    }
  }

  /**
   * Plans the transition of {@code current} to {@code problem}'s rate, with {@code problem}'s options (the catalog,
   * which must hold the larger sizes vertical steps grow to), headroom and costs. Options no host of the cluster can
   * hold are left out.
   */
  public static Transition plan(Deployment current, ScalingProblem given, Timing timing) {
    return plan(current, given, timing, Strategy.JOINT, TargetDp::solve);
  }

  /**
   * As {@link #plan(Deployment, ScalingProblem, Timing)}, with another solver for the minimum-cost target (such as
   * the ILP on the deployment's cluster, which holds the hosts' limits that the DP cannot).
   */
  public static Transition plan(Deployment current, ScalingProblem given, Timing timing, Strategy strategy,
      java.util.function.Function<ScalingProblem, ScalingPlan> targetSolver) {
    Objects.requireNonNull(targetSolver, "targetSolver");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(given, "problem");
    Objects.requireNonNull(timing, "timing");
    ScalingProblem problem = new ScalingProblem(current.cluster().holdable(given.options()), given.ratePerSecond(),
        given.slo(), given.headroom(), given.minInstances(), given.costs(), given.budget());
    List<String> notes = new ArrayList<>();
    ScalingPlan target = targetSolver.apply(problem.withMinInstances(timing.minInstances()));
    double rate = problem.ratePerSecond();
    if (problem.obviouslyInfeasible().isPresent()) {
      double gap = problem.demandPerSecond() - current.capacityPerSecond();
      Stage none = new Stage(List.of(), Double.POSITIVE_INFINITY, 0, gap > 0 ? gap : 0, current);
      return new Transition(rate, problem.demandPerSecond(), timing, none, target, Optional.empty(),
          List.of(problem.obviouslyInfeasible().get()));
    }
    Stage surge = surge(current, problem, timing, strategy, notes);
    Optional<Stage> consolidation = Optional.empty();
    if (!target.feasible()) {
      notes.add("No target plan: " + target.reason());
    } else {
      consolidation = consolidate(surge.result(), target, problem, timing, notes);
    }
    return new Transition(rate, problem.demandPerSecond(), timing, surge, target, consolidation,
        List.copyOf(notes));
  }

  private record Upgrade(int instance, InstanceOption to, int extraGpus, long gain) {}

  private static Stage surge(Deployment current, ScalingProblem problem, Timing timing, Strategy strategy,
      List<String> notes) {
    long demand = problem.demandUnits();
    long have = 0;
    for (Deployment.Running r : current.instances()) {
      have += ScalingProblem.capacityUnits(r.option());
    }
    long deficit = demand - have;
    if (deficit <= 0) {
      return new Stage(List.of(), 0, 0, 0, current);
    }
    List<Deployment.Running> running = new ArrayList<>(current.instances());
    Map<String, Integer> free = current.freeGpus();
    List<Action> actions = new ArrayList<>();
    // Themis: the faster kind of step first (in place, unless loading a new instance is quicker), then the other for
    // what is left.
    boolean verticalFirst = timing.verticalSeconds() <= timing.horizontalSeconds();
    long rest = deficit;
    if (strategy != Strategy.HORIZONTAL_ONLY && (verticalFirst || strategy == Strategy.VERTICAL_ONLY)) {
      rest -= grow(current, running, free, rest, problem, timing, actions);
    }
    if (rest > 0 && strategy != Strategy.VERTICAL_ONLY) {
      rest -= add(current, running, free, rest, problem, timing, actions, notes);
    }
    if (rest > 0 && strategy == Strategy.JOINT && !verticalFirst) {
      grow(current, running, free, rest, problem, timing, actions);
    }
    Deployment after = new Deployment(current.cluster(), running);
    return timeline(actions, current, problem, after, 0, timing.horizontalRamp());
  }

  /**
   * Grows instances in place to cover {@code deficit} capacity units with free GPUs of their own hosts: per host a
   * multiple-choice knapsack, across hosts a group knapsack for the fewest extra GPUs that cover it, or the most
   * capacity when nothing does. Updates {@code running} and {@code free}, appends the actions, returns the gain.
   */
  private static long grow(Deployment current, List<Deployment.Running> running, Map<String, Integer> free,
      long deficit, ScalingProblem problem, Timing timing, List<Action> actions) {
    List<Cluster.Host> hosts = current.cluster().hosts();
    long[][] hostGain = new long[hosts.size()][];
    List<int[][]> hostTrace = new ArrayList<>();
    List<List<List<Upgrade>>> hostUpgrades = new ArrayList<>();
    for (int h = 0; h < hosts.size(); h++) {
      String name = hosts.get(h).name();
      int f = free.get(name);
      List<List<Upgrade>> perInstance = new ArrayList<>();
      for (int i = 0; i < running.size(); i++) {
        Deployment.Running r = running.get(i);
        if (!r.host().equals(name)) {
          continue;
        }
        List<Upgrade> ups = new ArrayList<>();
        for (InstanceOption o : problem.options()) {
          int extra = o.gpus() - r.option().gpus();
          long gain = ScalingProblem.capacityUnits(o) - ScalingProblem.capacityUnits(r.option());
          if (o.sameFamily(r.option()) && extra > 0 && extra <= f && gain > 0) {
            ups.add(new Upgrade(i, o, extra, gain));
          }
        }
        if (!ups.isEmpty()) {
          perInstance.add(ups);
        }
      }
      if (perInstance.isEmpty()) {
        f = 0; // nothing on this host can grow: its free GPUs are not the vertical step's
      }
      long[] best = new long[f + 1];
      int[][] trace = new int[perInstance.size()][f + 1]; // chosen upgrade index + 1, 0 for none
      for (int k = 0; k < perInstance.size(); k++) {
        long[] next = best.clone();
        for (int e = 0; e <= f; e++) {
          for (int u = 0; u < perInstance.get(k).size(); u++) {
            Upgrade up = perInstance.get(k).get(u);
            if (up.extraGpus() <= e && best[e - up.extraGpus()] + up.gain() > next[e]) {
              next[e] = best[e - up.extraGpus()] + up.gain();
              trace[k][e] = u + 1;
            }
          }
        }
        best = next;
      }
      hostGain[h] = best;
      hostTrace.add(trace);
      hostUpgrades.add(perInstance);
    }
    // Group knapsack over hosts: total[c] = largest gain with c extra GPUs in all.
    int totalFree = 0;
    for (long[] g : hostGain) {
      totalFree += g.length - 1;
    }
    if ((long) hosts.size() * (totalFree + 1) > 50_000_000L) {
      throw new IllegalArgumentException("The deployment is too large for the exact in-place step: " + hosts.size()
          + " hosts and " + totalFree + " free GPUs next to instances that can grow.");
    }
    long[] total = new long[totalFree + 1];
    java.util.Arrays.fill(total, -1);
    total[0] = 0;
    int[][] pick = new int[hosts.size()][totalFree + 1];
    for (int h = 0; h < hosts.size(); h++) {
      if (hostGain[h].length == 1) {
        continue; // pick[h][c] stays 0
      }
      long[] next = new long[totalFree + 1];
      java.util.Arrays.fill(next, -1);
      for (int c = 0; c <= totalFree; c++) {
        if (total[c] < 0) {
          continue;
        }
        for (int e = 0; e < hostGain[h].length && c + e <= totalFree; e++) {
          if (total[c] + hostGain[h][e] > next[c + e]) {
            next[c + e] = total[c] + hostGain[h][e];
            pick[h][c + e] = e;
          }
        }
      }
      total = next;
    }
    int chosen = -1;
    for (int c = 0; c <= totalFree; c++) {
      if (total[c] >= deficit) {
        chosen = c;
        break;
      }
    }
    if (chosen < 0) {
      long most = -1;
      for (int c = 0; c <= totalFree; c++) {
        if (total[c] > most) {
          most = total[c];
          chosen = c;
        }
      }
    }
    List<Upgrade> upgrades = new ArrayList<>();
    int c = chosen;
    for (int h = hosts.size() - 1; h >= 0; h--) {
      int e = pick[h][c];
      c -= e;
      int[][] trace = hostTrace.get(h);
      List<List<Upgrade>> perInstance = hostUpgrades.get(h);
      int left = e;
      for (int k = perInstance.size() - 1; k >= 0; k--) {
        int u = trace[k][left];
        if (u > 0) {
          Upgrade up = perInstance.get(k).get(u - 1);
          upgrades.add(up);
          left -= up.extraGpus();
        }
      }
    }
    long gained = 0;
    for (Upgrade up : upgrades) {
      Deployment.Running r = running.get(up.instance());
      actions.add(new Action(Kind.GROW, r.id(), r.host(), Optional.of(r.option()), Optional.of(up.to()), 0,
          timing.verticalSeconds(), 0));
      running.set(up.instance(), new Deployment.Running(r.id(), r.host(), up.to()));
      free.merge(r.host(), -up.extraGpus(), Integer::sum);
      gained += up.gain();
    }
    return gained;
  }

  /**
   * Adds the cheapest new instances that cover {@code deficit} capacity units on free GPUs (best fit), or, when they
   * do not fit, instances by capacity per cost while any fits. Updates {@code running} and {@code free}, appends the
   * actions, returns the capacity added.
   */
  private static long add(Deployment current, List<Deployment.Running> running, Map<String, Integer> free,
      long deficit, ScalingProblem problem, Timing timing, List<Action> actions, List<String> notes) {
    long rest = deficit;
    long gained = 0;
    List<Cluster.Host> hosts = current.cluster().hosts();
    if (rest > 0) {
      List<InstanceOption> fitting = problem.options().stream()
          .filter(o -> hosts.stream().anyMatch(h -> h.gpuType().equalsIgnoreCase(o.gpuType())
              && free.get(h.name()) >= o.gpus()))
          .toList();
      List<InstanceOption> adds = new ArrayList<>();
      if (!fitting.isEmpty()) {
        double residualRate = java.math.BigDecimal.valueOf(rest).movePointLeft(3).doubleValue();
        ScalingProblem residual = new ScalingProblem(fitting, residualRate, problem.slo(), 1,
            0, problem.costs(), java.util.OptionalDouble.empty());
        ScalingPlan plan = TargetDp.solve(residual);
        if (plan.feasible()) {
          plan.groups().forEach(g -> {
            for (int k = 0; k < g.count(); k++) {
              adds.add(g.option());
            }
          });
        }
      }
      Map<String, Integer> trial = new LinkedHashMap<>(free);
      List<String> placed = adds.isEmpty() ? null : placeBestFit(adds, hosts, trial);
      if (placed == null) {
        notes.add(adds.isEmpty() ? "No minimum-cost set of new instances was found for the rest of the deficit; new"
            + " instances were added greedily by capacity per cost instead." : "The minimum-cost set of new instances"
            + " does not fit the free GPUs; new instances were added greedily by capacity per cost instead.");
        adds.clear();
        trial = new LinkedHashMap<>(free);
        placed = greedyAdds(fitting, rest, problem.costs(), hosts, trial, adds);
      }
      free.clear();
      free.putAll(trial);
      int n = 0;
      for (int k = 0; k < adds.size(); k++) {
        String id = freshId(running, "new-" + (++n));
        running.add(new Deployment.Running(id, placed.get(k), adds.get(k)));
        actions.add(new Action(Kind.ADD, id, placed.get(k), Optional.empty(), Optional.of(adds.get(k)), 0,
            timing.horizontalSeconds(), 0));
        gained += ScalingProblem.capacityUnits(adds.get(k));
      }
    }
    return gained;
  }

  private static Optional<Stage> consolidate(Deployment now, ScalingPlan target, ScalingProblem problem,
      Timing timing, List<String> notes) {
    long nowCost = 0;
    for (Deployment.Running r : now.instances()) {
      nowCost += problem.costs().units(r.option());
    }
    if (target.totalCostUnits() >= nowCost && now.instances().size() >= timing.minInstances()
        && now.capacityPerSecond() >= problem.demandPerSecond()) {
      notes.add("No consolidation: the deployment after the surge costs no more than the minimum-cost target.");
      return Optional.empty();
    }
    Map<InstanceOption, Integer> wanted = new LinkedHashMap<>();
    target.groups().forEach(g -> wanted.merge(g.option(), g.count(), Integer::sum));
    List<Deployment.Running> keep = new ArrayList<>();
    List<Deployment.Running> spare = new ArrayList<>();
    for (Deployment.Running r : now.instances()) {
      Integer left = wanted.get(r.option());
      if (left != null && left > 0) {
        wanted.put(r.option(), left - 1);
        keep.add(r);
      } else {
        spare.add(r);
      }
    }
    // Which target instances must be added: those no running instance matches or shrinks to.
    Map<InstanceOption, Integer> toAdd = new LinkedHashMap<>(wanted);
    for (Deployment.Running r : spare) {
      for (Map.Entry<InstanceOption, Integer> e : toAdd.entrySet()) {
        if (e.getValue() > 0 && e.getKey().sameFamily(r.option()) && e.getKey().gpus() < r.option().gpus()) {
          e.setValue(e.getValue() - 1);
          break;
        }
      }
    }
    boolean anyAdd = toAdd.values().stream().anyMatch(n -> n > 0);
    double window = timing.stabilisationSeconds();
    // Make before break: shrinks and removals wait for the added instances, or only for the window when none.
    double addsReady = anyAdd ? window + timing.horizontalSeconds() : window;
    List<Action> actions = new ArrayList<>();
    List<Deployment.Running> result = new ArrayList<>(keep);
    // Shrink spare instances in place to a wanted option of the same family, where one remains.
    for (Deployment.Running r : new ArrayList<>(spare)) {
      for (Map.Entry<InstanceOption, Integer> e : wanted.entrySet()) {
        if (e.getValue() > 0 && e.getKey().sameFamily(r.option()) && e.getKey().gpus() < r.option().gpus()) {
          e.setValue(e.getValue() - 1);
          spare.remove(r);
          result.add(new Deployment.Running(r.id(), r.host(), e.getKey()));
          actions.add(new Action(Kind.SHRINK, r.id(), r.host(), Optional.of(r.option()), Optional.of(e.getKey()),
              addsReady, addsReady + timing.verticalSeconds(), 0));
          break;
        }
      }
    }
    List<InstanceOption> adds = new ArrayList<>();
    wanted.forEach((o, n) -> {
      for (int k = 0; k < n; k++) {
        adds.add(o);
      }
    });
    Map<String, Integer> free = now.freeGpus();
    List<String> placed = placeBestFit(adds, now.cluster().hosts(), free);
    if (placed == null) {
      notes.add("No consolidation: the target's new instances do not fit the free GPUs while the surge deployment"
          + " still serves (make before break).");
      return Optional.empty();
    }
    int n = 0;
    List<Deployment.Running> all = new ArrayList<>(now.instances());
    for (int k = 0; k < adds.size(); k++) {
      String id = freshId(all, "target-" + (++n));
      Deployment.Running r = new Deployment.Running(id, placed.get(k), adds.get(k));
      all.add(r);
      result.add(r);
      actions.add(new Action(Kind.ADD, id, placed.get(k), Optional.empty(), Optional.of(adds.get(k)), window,
          addsReady, 0));
    }
    for (Deployment.Running r : spare) {
      actions.add(new Action(Kind.REMOVE, r.id(), r.host(), Optional.of(r.option()), Optional.empty(), addsReady,
          addsReady, 0));
    }
    Deployment after = new Deployment(now.cluster(), result);
    return Optional.of(timeline(actions, now, problem, after, window, timing.horizontalRamp()));
  }

  /** Orders actions by ready time, fills in capacities, and integrates the rate above capacity. */
  private static Stage timeline(List<Action> actions, Deployment initial, ScalingProblem problem, Deployment after,
      double from, Ramp ramp) {
    long demandUnits = problem.demandUnits();
    List<Action> sorted = new ArrayList<>(actions);
    // At equal ready times, additions before removals, so capacity never dips at an instant.
    sorted.sort(Comparator.comparingDouble(Action::readySeconds).thenComparing(Action::kind));
    double rate = problem.ratePerSecond();
    double demand = problem.demandPerSecond();
    // Each action's capacity after it, counted in full from its ready time.
    double cap = initial.capacityPerSecond();
    List<Action> out = new ArrayList<>();
    for (Action a : sorted) {
      cap += a.to().map(InstanceOption::capacityPerSecond).orElse(0.0)
          - a.from().map(InstanceOption::capacityPerSecond).orElse(0.0);
      out.add(new Action(a.kind(), a.instance(), a.host(), a.from(), a.to(), a.startSeconds(), a.readySeconds(),
          cap));
    }
    // The capacity over time: a step function with steps at ready times and, for additions, at the ramp's times.
    java.util.TreeSet<Double> events = new java.util.TreeSet<>();
    events.add(from);
    double[] rampTimes = ramp.times();
    for (Action a : sorted) {
      events.add(a.readySeconds());
      if (a.kind() == Kind.ADD) {
        for (double rt : rampTimes) {
          if (a.startSeconds() + rt < a.readySeconds()) {
            events.add(a.startSeconds() + rt);
          }
        }
      }
    }
    long baseUnits = units(initial);
    double excess = 0;
    double covered = Double.POSITIVE_INFINITY;
    double prevT = Double.NaN;
    double prevCap = 0;
    for (double t : events) {
      double capAt = initial.capacityPerSecond();
      double unitsAt = baseUnits;
      for (Action a : sorted) {
        double full = a.to().map(InstanceOption::capacityPerSecond).orElse(0.0)
            - a.from().map(InstanceOption::capacityPerSecond).orElse(0.0);
        long fullUnits = a.to().map(ScalingProblem::capacityUnits).orElse(0L)
            - a.from().map(ScalingProblem::capacityUnits).orElse(0L);
        if (a.readySeconds() <= t) {
          capAt += full;
          unitsAt += fullUnits;
        } else if (a.kind() == Kind.ADD && a.startSeconds() <= t) {
          double f = ramp.at(t - a.startSeconds() + 1e-9); // events at start + ramp time, despite rounding
          capAt += f * full;
          unitsAt += Math.floor(f * fullUnits);
        }
      }
      if (!Double.isNaN(prevT)) {
        excess += Math.max(0, rate - prevCap) * (t - prevT);
      }
      if (unitsAt >= demandUnits && covered == Double.POSITIVE_INFINITY) {
        covered = t;
      }
      prevT = t;
      prevCap = capAt;
    }
    double gap = demand - after.capacityPerSecond();
    double shortfall = units(after) >= demandUnits ? 0 : gap > 0 ? gap : ScalingProblem.CAPACITY_UNIT;
    return new Stage(out, covered, excess, shortfall, after);
  }

  /** A deployment's capacity in the solvers' units. */
  private static long units(Deployment d) {
    long u = 0;
    for (Deployment.Running r : d.instances()) {
      u += ScalingProblem.capacityUnits(r.option());
    }
    return u;
  }

  /** Best fit: each instance, largest first, on the host of its type with the fewest free GPUs that hold it. */
  private static List<String> placeBestFit(List<InstanceOption> adds, List<Cluster.Host> hosts,
      Map<String, Integer> free) {
    Integer[] order = new Integer[adds.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> -adds.get(i).gpus()));
    String[] where = new String[adds.size()];
    for (int i : order) {
      InstanceOption o = adds.get(i);
      String bestHost = null;
      for (Cluster.Host h : hosts) {
        int f = free.get(h.name());
        if (h.gpuType().equalsIgnoreCase(o.gpuType()) && f >= o.gpus()
            && (bestHost == null || f < free.get(bestHost))) {
          bestHost = h.name();
        }
      }
      if (bestHost == null) {
        return null;
      }
      free.merge(bestHost, -o.gpus(), Integer::sum);
      where[i] = bestHost;
    }
    return java.util.Arrays.asList(where);
  }

  /** Adds the option with the most capacity per cost that still fits, until {@code rest} is covered or none fits. */
  private static List<String> greedyAdds(List<InstanceOption> options, long rest, CostModel costs,
      List<Cluster.Host> hosts, Map<String, Integer> free, List<InstanceOption> adds) {
    List<InstanceOption> byValue = new ArrayList<>(options);
    byValue.sort(Comparator.comparingDouble(
        (InstanceOption o) -> -(double) ScalingProblem.capacityUnits(o) / costs.units(o)));
    List<String> where = new ArrayList<>();
    while (rest > 0) {
      boolean placedOne = false;
      for (InstanceOption o : byValue) {
        List<String> at = placeBestFit(List.of(o), hosts, free);
        if (at != null) {
          adds.add(o);
          where.add(at.get(0));
          rest -= ScalingProblem.capacityUnits(o);
          placedOne = true;
          break;
        }
      }
      if (!placedOne) {
        break;
      }
    }
    return where;
  }

  private static String freshId(List<Deployment.Running> running, String base) {
    String id = base;
    int k = 1;
    while (true) {
      String candidate = id;
      if (running.stream().noneMatch(r -> r.id().equals(candidate))) {
        return id;
      }
      id = base + "-" + (++k);
    }
  }
}

package dev.scaleplan.solvers.swapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Model swapping on one node, after FaaSwap (Yu et al., "FaaSwap: SLO-Aware, GPU-Efficient Serverless Inference via
 * Model Swapping", arXiv 2306.03622): every model lives in host memory; some are kept resident on a GPU, the others
 * are swapped in on demand with pipelined execution (layer i runs while layer i+1 transfers, section 4.2), so a node
 * of a few GPUs serves far more models than its memory holds.
 *
 * <p><b>Serving model</b> (the same one the tests simulate):
 * <ul>
 *   <li>each model's requests go to one GPU, chosen by the plan; a GPU serves its requests one at a time (batch 1, a
 *       function invocation), first come first served;
 *   <li>a resident request takes {@code k l(1)}; a swapped request takes the pipelined swap-in time
 *       ({@link SwapModel#swapIn}) unless its model is still in the GPU's swap buffer, which holds the last swapped
 *       model it ran (then {@code k l(1)});
 *   <li>{@code k} is the node's interference factor on a GPU that serves both resident and swapped models, else 1
 *       (FaaSwap, section 6, reports the slowdown of co-located execution and swapping; here it is an input);
 *   <li>each GPU that serves swapped models keeps a swap buffer as large as the largest of them, besides its
 *       resident models.
 * </ul>
 *
 * <p><b>Decision rule</b> (ours, a greedy reading of FaaSwap's goal of keeping the swapping that costs most off the
 * PCIe links; the paper does not publish a placement rule in closed form):
 * <ol>
 *   <li>Models larger than a GPU are not served (a result, with the reason). If the node's least work,
 *       {@code sum λ l(1)}, is at or above its number of GPUs, the plan is {@link SwapPlan.Status#INFEASIBLE}.
 *   <li>Priority: first the models whose SLO cannot be met when swapped, because one swap-in on an idle GPU already
 *       takes longer than the SLO target; then by swap load {@code λ T} (T the swap-in time with interference),
 *       heaviest first; ties by input order.
 *   <li>In that order each model becomes resident on the GPU with the least resident load that still has room for it
 *       and for a swap buffer as large as the largest model that is or may still be swapped (every GPU reserves it);
 *       a model that fits nowhere is swapped.
 *   <li>Swapped models, heaviest swap load first, go to the GPU with the most spare time (least predicted busy
 *       fraction so far) that can hold them in its buffer.
 *   <li>Improvement: while a model is swapped and misses its SLO, or was not admitted, it is moved to the head of the
 *       priority (made resident if memory allows) and the plan is rebuilt; the change is kept when no fewer models
 *       then meet their SLO (keeping ties lets two such moves combine). Each model is tried once, with at most
 *       {@value #MAX_IMPROVEMENTS} rebuilds in all, fewer beyond 1,000 models ({@link #improvements}).
 * </ol>
 *
 * <p><b>Latency prediction</b>: the Poisson streams of a GPU's models merge into one Poisson stream, so each GPU is an
 * M/G/1 queue whose service time is the mixture of its requests' times ({@link GpuQueue}: utilisation and mean wait by
 * Pollaczek-Khinchine through {@link dev.scaleplan.queueing.MG1}, the waiting-time tail by the more pessimistic of the
 * two-moment exponential tail and the Cramér-Lundberg asymptote). A request's response time is its wait plus its own
 * service time, taken independent. Approximations, and why:
 * <ul>
 *   <li>the share of a swapped model's requests that find it still loaded is {@code λ_m / Λ_swapped} of its GPU: with
 *       FIFO the previous swapped request served is the previous swapped arrival, which is model m with that
 *       probability (Poisson thinning); exact for the mean load, but the hits of successive requests are correlated,
 *       which M/G/1's i.i.d. service ignores;
 *   <li>the waiting-time tail of M/G/1 has no closed form; the two approximations above are exact for M/M/1 and
 *       asymptotically exact (Cramér-Lundberg) for the far tail, which is what a p99 SLO asks about;
 *   <li>the wait and the request's own service are taken independent (exact for i.i.d. service under FIFO).
 * </ul>
 * A GPU at or above utilisation 1 is overloaded: its models are predicted {@code +Infinity} and miss.
 */
public final class SwapPlanner {
  private SwapPlanner() {}

  /** The swapping plan of {@code models} on {@code node}, by the decision rule above. */
  public static SwapPlan plan(SwapNode node, List<SwapModel> models) {
    return plan(node, models, improvements(models == null ? 0 : models.size()));
  }

  /**
   * The rebuilds step 5 may make for {@code n} models: {@value #MAX_IMPROVEMENTS} up to 1,000 models, then fewer, as a
   * rebuild costs about n² queue evaluations ({@value #IMPROVEMENT_BUDGET} model pairs in all), and at least
   * {@value #MIN_IMPROVEMENTS}; 2,000 models then plan in seconds rather than minutes.
   */
  static int improvements(int n) {
    long pairs = Math.max(1L, (long) n * n);
    return (int) Math.max(MIN_IMPROVEMENTS, Math.min(MAX_IMPROVEMENTS, IMPROVEMENT_BUDGET / pairs));
  }

  /** The plan with at most {@code improvements} rebuilds in step 5 (0: steps 1 to 4 only). */
  static SwapPlan plan(SwapNode node, List<SwapModel> models, int improvements) {
    Problem p = Problem.of(node, models);
    if (!p.infeasibleReason.isEmpty()) {
      return p.infeasible();
    }
    List<Integer> order = new ArrayList<>(p.priority());
    SwapPlan best = p.evaluate(p.assign(order, true));
    // Step 5: each model that is swapped and misses, or not admitted, is tried once at the head of the priority.
    Set<Integer> tried = new HashSet<>();
    for (int round = 0; round < improvements; round++) {
      int missing = -1;
      for (int i : order) {
        ModelPlan m = best.models().get(i);
        if (m.mode() != ModelPlan.Mode.RESIDENT && !m.meetsSlo() && !tried.contains(i)) {
          missing = i;
          break;
        }
      }
      if (missing < 0) {
        break;
      }
      tried.add(missing);
      List<Integer> moved = new ArrayList<>(order);
      moved.remove(Integer.valueOf(missing));
      moved.add(0, missing);
      SwapPlan candidate = p.evaluate(p.assign(moved, true));
      if (candidate.meetingSlo() >= best.meetingSlo()) {
        best = candidate;
        order = moved;
      }
    }
    return best;
  }

  /** At most this many rebuilds in step 5. */
  static final int MAX_IMPROVEMENTS = 64;
  /** At least this many rebuilds in step 5, however many models. */
  static final int MIN_IMPROVEMENTS = 4;
  /** Rebuilds times models squared allowed in step 5: 64 rebuilds of 1,000 models. */
  static final long IMPROVEMENT_BUDGET = 64L * 1000 * 1000;

  /**
   * The baseline without swapping: models resident in the same priority order while memory allows (no swap buffer
   * reserved), the rest not served.
   */
  public static SwapPlan residentOnly(SwapNode node, List<SwapModel> models) {
    Problem p = Problem.of(node, models);
    if (!p.infeasibleReason.isEmpty()) {
      return p.infeasible();
    }
    return p.evaluate(p.assign(p.priority(), false));
  }

  /** Where each model goes: {@code gpu[i]} (-1 not served) and whether it is resident there. */
  private record Assignment(int[] gpu, boolean[] resident, boolean[] rejected, boolean swapping) {}

  /** The validated input and the figures every step needs. */
  private static final class Problem {
    final SwapNode node;
    final List<SwapModel> models;
    final int n;
    final long[] bytes;
    final double[] rate;
    final double[] execution;
    /** Pipelined swap-in time on an idle GPU without interference, and with it. */
    final double[] swapAlone;
    final double[] swapShared;
    final boolean[] tooLarge;
    final String tooLargeReason;
    final String infeasibleReason;

    private Problem(SwapNode node, List<SwapModel> models) {
      this.node = node;
      this.models = models;
      n = models.size();
      bytes = new long[n];
      rate = new double[n];
      execution = new double[n];
      swapAlone = new double[n];
      swapShared = new double[n];
      tooLarge = new boolean[n];
      List<String> large = new ArrayList<>();
      double work = 0;
      for (int i = 0; i < n; i++) {
        SwapModel m = models.get(i);
        bytes[i] = m.parameterBytes();
        rate[i] = m.ratePerSecond();
        execution[i] = m.executionSeconds();
        swapAlone[i] = m.swapIn(node, 1).pipelinedSeconds();
        swapShared[i] = m.swapIn(node, node.interferenceFactor()).pipelinedSeconds();
        tooLarge[i] = bytes[i] > node.gpuMemoryBytes();
        if (tooLarge[i]) {
          large.add(m.name() + " (" + bytes[i] + " B)");
        } else {
          work += rate[i] * execution[i];
        }
      }
      tooLargeReason = large.isEmpty() ? "" : large.size() + " model(s) larger than a GPU's memory ("
          + node.gpuMemoryBytes() + " B) are not served: " + String.join(", ", large) + ".";
      infeasibleReason = work >= node.gpus() ? "The node is overloaded: its models need " + work
          + " GPU-seconds per second even all resident and without interference, and it has " + node.gpus()
          + " GPUs.\nMaybe add GPUs or move models to another node?" : "";
    }

    static Problem of(SwapNode node, List<SwapModel> models) {
      Objects.requireNonNull(node, "node");
      if (models == null || models.isEmpty()) {
        throw new IllegalArgumentException("The models (" + models + ") must be a non-empty list.");
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < models.size(); i++) {
        SwapModel m = models.get(i);
        if (m == null) {
          throw new IllegalArgumentException("The model at index " + i + " is null.");
        }
        if (!names.add(m.name())) {
          throw new IllegalArgumentException("The model name '" + m.name() + "' appears more than once; names "
              + "must be unique.");
        }
      }
      return new Problem(node, List.copyOf(models));
    }

    SwapPlan infeasible() {
      List<ModelPlan> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        SwapModel m = models.get(i);
        out.add(new ModelPlan(m.name(), ModelPlan.Mode.UNSERVED, -1, swapAlone[i], 0, Double.POSITIVE_INFINITY,
            m.slo(), false, infeasibleReason));
      }
      return new SwapPlan(SwapPlan.Status.INFEASIBLE, infeasibleReason, out, List.of());
    }

    /** Step 2 of the rule: the models that can be served, must-resident first, then by swap load. */
    List<Integer> priority() {
      Comparator<Integer> byRule = Comparator
          .comparing((Integer i) -> swapAlone[i] <= models.get(i).slo().targetSeconds())
          .thenComparing(i -> -rate[i] * swapShared[i])
          .thenComparingInt(i -> i);
      return IntStream.range(0, n).filter(i -> !tooLarge[i]).boxed().sorted(byRule).toList();
    }

    /** Steps 3 and 4 of the rule. */
    Assignment assign(List<Integer> order, boolean swapping) {
      int gpus = node.gpus();
      long memory = node.gpuMemoryBytes();
      int[] gpu = new int[n];
      Arrays.fill(gpu, -1);
      boolean[] resident = new boolean[n];
      boolean[] rejected = new boolean[n];
      long[] residentBytes = new long[gpus];
      double[] load = new double[gpus];
      List<List<Integer>> onGpu = new ArrayList<>();
      for (int g = 0; g < gpus; g++) {
        onGpu.add(new ArrayList<>());
      }
      long[] laterLargest = new long[order.size() + 1];
      for (int k = order.size() - 1; k >= 0; k--) {
        laterLargest[k] = Math.max(laterLargest[k + 1], bytes[order.get(k)]);
      }
      long swappedLargest = 0;
      List<Integer> swapped = new ArrayList<>();
      for (int k = 0; k < order.size(); k++) {
        int i = order.get(k);
        long reserve = swapping ? Math.max(swappedLargest, laterLargest[k + 1]) : 0;
        resident[i] = true;
        // memory - residentBytes[g] is at least 0 and reserve at most memory: no overflow near Long.MAX_VALUE.
        IntPredicate fits = g -> bytes[i] <= memory - residentBytes[g] - reserve;
        int g = admit(i, onGpu, resident, load, fits, true);
        if (g < 0) {
          g = admit(i, onGpu, resident, load, fits, false);
        }
        if (g >= 0) {
          gpu[i] = g;
          onGpu.get(g).add(i);
          residentBytes[g] += bytes[i];
          load[g] += rate[i] * execution[i];
          continue;
        }
        resident[i] = false;
        if (swapping) {
          swapped.add(i);
          swappedLargest = Math.max(swappedLargest, bytes[i]);
        } else {
          rejected[i] = IntStream.range(0, gpus).anyMatch(fits);
        }
      }
      if (!swapping) {
        return new Assignment(gpu, resident, rejected, false);
      }
      swapped.sort(Comparator.comparing((Integer i) -> -rate[i] * swapShared[i]).thenComparingInt(i -> i));
      for (boolean strict : new boolean[] {true, false}) {
        for (int i : swapped) {
          if (gpu[i] >= 0) {
            continue;
          }
          int g = admit(i, onGpu, resident, load, h -> memory - residentBytes[h] >= bytes[i], strict);
          if (g >= 0) {
            gpu[i] = g;
            onGpu.get(g).add(i);
            load[g] += rate[i] * swapShared[i];
          }
        }
      }
      for (int i : swapped) {
        rejected[i] = gpu[i] < 0;
      }
      return new Assignment(gpu, resident, rejected, true);
    }

    /**
     * The GPU, least loaded first, that can take model {@code i} (mode as in {@code resident}): it must fit there,
     * the GPU must stay stable, and, when {@code strict}, every model there including {@code i} must meet its SLO,
     * otherwise every model there that meets its SLO must still meet it ({@code i} may miss). -1 when none.
     */
    private int admit(int i, List<List<Integer>> onGpu, boolean[] resident, double[] load, IntPredicate fits,
        boolean strict) {
      Integer[] byLoad = IntStream.range(0, node.gpus()).boxed()
          .sorted(Comparator.comparingDouble((Integer g) -> load[g]).thenComparingInt(g -> g))
          .toArray(Integer[]::new);
      for (int g : byLoad) {
        if (!fits.test(g)) {
          continue;
        }
        List<Integer> current = onGpu.get(g);
        List<Integer> tentative = new ArrayList<>(current);
        tentative.add(i);
        boolean[] after = meets(tentative, resident);
        if (after == null) {
          continue;
        }
        boolean ok = true;
        if (strict) {
          for (boolean m : after) {
            ok &= m;
          }
        } else {
          boolean[] before = meets(current, resident);
          for (int k = 0; k < current.size(); k++) {
            ok &= !before[k] || after[k];
          }
        }
        if (ok) {
          return g;
        }
      }
      return -1;
    }

    /**
     * Whether each model of one GPU (in list order) would meet its SLO, {@code P(response > target) <= 1 - q};
     * null when the GPU would be overloaded.
     */
    private boolean[] meets(List<Integer> onGpu, boolean[] resident) {
      GpuModels gm = gpuModels(onGpu, resident);
      if (!gm.queue.stable()) {
        return null;
      }
      boolean[] out = new boolean[onGpu.size()];
      for (int k = 0; k < onGpu.size(); k++) {
        SwapModel m = models.get(onGpu.get(k));
        out[k] = gm.queue.responseTail(gm.probs[k], gm.seconds[k], m.slo().targetSeconds()) <= 1 - m.slo().quantile();
      }
      return out;
    }

    /** One GPU's queue and, per model on it (in list order), its service atoms and hit probability. */
    private record GpuModels(GpuQueue queue, double factor, double[][] probs, double[][] seconds, double[] hit) {}

    private GpuModels gpuModels(List<Integer> onGpu, boolean[] resident) {
      boolean hasResident = false;
      boolean hasSwapped = false;
      double swappedRate = 0;
      for (int i : onGpu) {
        hasResident |= resident[i];
        hasSwapped |= !resident[i];
        swappedRate += resident[i] ? 0 : rate[i];
      }
      double factor = hasResident && hasSwapped ? node.interferenceFactor() : 1;
      int size = onGpu.size();
      double[][] probs = new double[size][];
      double[][] seconds = new double[size][];
      double[] hit = new double[size];
      List<double[]> atoms = new ArrayList<>();
      for (int k = 0; k < size; k++) {
        int i = onGpu.get(k);
        double run = factor * execution[i];
        if (resident[i]) {
          probs[k] = new double[] {1};
          seconds[k] = new double[] {run};
        } else {
          hit[k] = swappedRate > 0 ? rate[i] / swappedRate : 0;
          probs[k] = new double[] {hit[k], 1 - hit[k]};
          seconds[k] = new double[] {run, factor == 1 ? swapAlone[i] : swapShared[i]};
        }
        for (int a = 0; a < probs[k].length; a++) {
          atoms.add(new double[] {rate[i] * probs[k][a], seconds[k][a]});
        }
      }
      GpuQueue queue = GpuQueue.of(atoms.stream().mapToDouble(x -> x[0]).toArray(),
          atoms.stream().mapToDouble(x -> x[1]).toArray());
      return new GpuModels(queue, factor, probs, seconds, hit);
    }


    /** The predicted latencies of an assignment. */
    SwapPlan evaluate(Assignment a) {
      int gpus = node.gpus();
      List<List<Integer>> onGpu = new ArrayList<>();
      for (int g = 0; g < gpus; g++) {
        onGpu.add(new ArrayList<>());
      }
      for (int i = 0; i < n; i++) {
        if (a.gpu()[i] >= 0) {
          onGpu.get(a.gpu()[i]).add(i);
        }
      }
      int[] slot = new int[n];
      GpuModels[] per = new GpuModels[gpus];
      List<GpuPlan> gpuPlans = new ArrayList<>(gpus);
      for (int g = 0; g < gpus; g++) {
        per[g] = gpuModels(onGpu.get(g), a.resident());
        long residentBytes = 0;
        long buffer = 0;
        int residents = 0;
        for (int k = 0; k < onGpu.get(g).size(); k++) {
          int i = onGpu.get(g).get(k);
          slot[i] = k;
          if (a.resident()[i]) {
            residentBytes += bytes[i];
            residents++;
          } else {
            buffer = Math.max(buffer, bytes[i]);
          }
        }
        gpuPlans.add(new GpuPlan(g, residentBytes, buffer, residents, onGpu.get(g).size() - residents,
            per[g].factor(), per[g].queue().utilization()));
      }
      List<ModelPlan> out = new ArrayList<>(n);
      int unserved = 0;
      for (int i = 0; i < n; i++) {
        SwapModel m = models.get(i);
        int g = a.gpu()[i];
        if (g < 0) {
          unserved++;
          String why = tooLarge[i]
              ? "It is larger (" + bytes[i] + " B) than a GPU's memory (" + node.gpuMemoryBytes() + " B)."
              : a.rejected()[i] ? "Not admitted: on every GPU that can hold it, it would overload the GPU or make "
                  + "a model there miss its SLO."
              : "No GPU has memory left for it, and swapping is off.";
          out.add(new ModelPlan(m.name(), ModelPlan.Mode.UNSERVED, -1, swapAlone[i], 0, Double.POSITIVE_INFINITY,
              m.slo(), false, why));
          continue;
        }
        GpuModels gm = per[g];
        GpuQueue q = gm.queue();
        int k = slot[i];
        double predicted = q.responseQuantile(gm.probs()[k], gm.seconds()[k], m.slo().quantile());
        boolean meets = predicted <= m.slo().targetSeconds();
        String note = !q.stable() ? "GPU " + g + " is overloaded (utilisation " + q.utilization() + ")."
            : meets ? "" : "The predicted p" + m.slo().percentile() + " (" + predicted + " s) exceeds the target ("
                + m.slo().targetSeconds() + " s).";
        out.add(new ModelPlan(m.name(), a.resident()[i] ? ModelPlan.Mode.RESIDENT : ModelPlan.Mode.SWAPPED, g,
            gm.factor() == 1 ? swapAlone[i] : swapShared[i], gm.hit()[k], predicted, m.slo(), meets, note));
      }
      String reason = tooLargeReason;
      if (unserved > (int) IntStream.range(0, n).filter(i -> tooLarge[i]).count()) {
        reason = (reason.isEmpty() ? "" : reason + " ") + "Some models are not served: no GPU has the memory or the "
            + "time left for them (see each model's note).";
      }
      return new SwapPlan(unserved > 0 ? SwapPlan.Status.PARTIAL : SwapPlan.Status.PLANNED, reason, out, gpuPlans);
    }
  }
}

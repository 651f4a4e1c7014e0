package dev.scaleplan.solvers.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * Exhaustive search over the candidates' space, for tiny problems: every group and share choice per model, every
 * partition of each group's sharers into shared GPUs (a GPU is feasible when some duty cycle fits all its slots and the
 * memory fits), every group within its size. Written independently of the heuristic and the ILP.
 */
final class BruteForcePlacer {
  record Result(long gpus) {}

  private BruteForcePlacer() {}

  static Result solve(Candidates c) {
    int n = c.models();
    long[] best = {Long.MAX_VALUE};
    int[] group = new int[n];
    boolean[] share = new boolean[n];
    choose(c, 0, group, share, best);
    return new Result(best[0] == Long.MAX_VALUE ? -1 : best[0]);
  }

  private static void choose(Candidates c, int i, int[] group, boolean[] share, long[] best) {
    if (i == c.models()) {
      evaluate(c, group, share, best);
      return;
    }
    if (c.problem().models().get(i).ratePerSecond() == 0) {
      group[i] = -1;
      choose(c, i + 1, group, share, best);
      return;
    }
    for (int g = 0; g < c.groups(); g++) {
      Candidates.Fit f = c.fit(i, g);
      if (!f.eligible()) {
        continue;
      }
      group[i] = g;
      share[i] = false;
      choose(c, i + 1, group, share, best);
      if (c.problem().sharing() && f.canShare()) {
        share[i] = true;
        choose(c, i + 1, group, share, best);
      }
    }
  }

  private static void evaluate(Candidates c, int[] group, boolean[] share, long[] best) {
    long total = 0;
    for (int g = 0; g < c.groups(); g++) {
      long dedicated = 0;
      List<Integer> sharers = new ArrayList<>();
      for (int i = 0; i < group.length; i++) {
        if (group[i] != g) {
          continue;
        }
        Candidates.Fit f = c.fit(i, g);
        dedicated += share[i] ? f.floorGpus() : f.ceilGpus();
        if (share[i]) {
          sharers.add(i);
        }
      }
      long bins = fewestBins(c, g, sharers, 0, new ArrayList<>());
      if (bins == Long.MAX_VALUE || dedicated + bins > c.problem().groups().get(g).gpus()) {
        return;
      }
      total += dedicated + bins;
    }
    best[0] = Math.min(best[0], total);
  }

  /** The fewest feasible blocks over all set partitions of items[k..] added to the blocks so far. */
  private static long fewestBins(Candidates c, int g, List<Integer> items, int k, List<List<Integer>> blocks) {
    if (k == items.size()) {
      for (List<Integer> block : blocks) {
        if (!feasible(c, g, block)) {
          return Long.MAX_VALUE;
        }
      }
      return blocks.size();
    }
    long best = Long.MAX_VALUE;
    for (int b = 0, open = blocks.size(); b < open; b++) {
      List<Integer> block = blocks.get(b);
      block.add(items.get(k));
      best = Math.min(best, fewestBins(c, g, items, k + 1, blocks));
      block.remove(block.size() - 1);
    }
    List<Integer> fresh = new ArrayList<>(List.of(items.get(k)));
    blocks.add(fresh);
    best = Math.min(best, fewestBins(c, g, items, k + 1, blocks));
    blocks.remove(blocks.size() - 1);
    return best;
  }

  private static boolean feasible(Candidates c, int g, List<Integer> block) {
    long memory = 0;
    for (int i : block) {
      memory += c.problem().models().get(i).memoryBytes();
    }
    if (memory > c.problem().groups().get(g).memoryBytesPerGpu()) {
      return false;
    }
    for (int d = 0; d < c.problem().cycleSeconds().size(); d++) {
      long load = 0;
      boolean ok = true;
      for (int i : block) {
        int occ = c.fit(i, g).occupancy()[d];
        if (occ < 0) {
          ok = false;
          break;
        }
        load += occ;
      }
      if (ok && load <= Candidates.OCCUPANCY_UNITS) {
        return true;
      }
    }
    return false;
  }
}

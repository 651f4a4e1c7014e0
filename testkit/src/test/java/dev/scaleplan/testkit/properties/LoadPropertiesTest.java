package dev.scaleplan.testkit.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.solvers.loading.LoadPlan;
import dev.scaleplan.solvers.loading.LoadPlanner;
import dev.scaleplan.solvers.loading.LoadRequest;
import dev.scaleplan.testkit.gen.LoadGens;
import dev.scaleplan.testkit.gen.Property;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The loading planner's invariants over generated topologies and requests ({@link LoadGens}). */
class LoadPropertiesTest {
  private static Stream<DynamicTest> cases(String name, int count, java.util.function.Consumer<LoadRequest> check) {
    return Property.cases(name, LoadGens.requests(), count, check)
        .map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  @TestFactory
  Stream<DynamicTest> everyTargetGpuLoadsItsShardExactlyOnce() {
    return cases("every target GPU loads exactly once", 300, r -> {
      for (LoadPlan p : LoadPlanner.compare(r)) {
        assertEquals(r.targets().size() * r.parallelDegree(), p.gpus().size(), p.strategy());
        Set<String> seen = new HashSet<>();
        for (LoadPlan.GpuLoad g : p.gpus()) {
          assertTrue(seen.add(g.target() + "/" + g.shard()), p.strategy() + ": twice " + g);
          assertEquals(r.targets().get(g.target()).gpus()[g.shard()], g.gpu(), p.strategy());
          assertEquals(r.targets().get(g.target()).host(), g.host(), p.strategy());
        }
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> noLinkCarriesMoreThanItsBandwidth() {
    return cases("no link above its bandwidth", 300, r -> {
      for (LoadPlan p : LoadPlanner.compare(r)) {
        for (LoadPlan.LinkUse l : p.links()) {
          assertTrue(l.rateBytesPerSecond() <= l.capacityBytesPerSecond() * (1 + 1e-9), p.strategy() + ": " + l);
          double sum = l.transfers().stream().mapToDouble(LoadPlan.Transfer::rateBytesPerSecond).sum();
          assertEquals(l.rateBytesPerSecond(), sum, 1e-6 * l.capacityBytesPerSecond());
        }
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> theMulticastPlanNeverBeatsItsLowerBound() {
    // The bound holds for the copies that exist; the host-cache and object-store baselines assume copies.
    return cases("makespan at least the lower bound", 300, r -> {
      LoadPlan p = LoadPlanner.plan(r);
      assertTrue(p.makespanSeconds() >= p.lowerBoundSeconds() * (1 - 1e-9),
          p.makespanSeconds() + " < " + p.lowerBoundSeconds());
    });
  }

  @TestFactory
  Stream<DynamicTest> aChunkIsForwardedOnlyAfterItArrived() {
    return cases("no chunk forwarded before it arrived", 300, r -> {
      for (LoadPlan p : LoadPlanner.compare(r)) {
        for (LoadPlan.GpuLoad a : p.gpus()) {
          for (LoadPlan.GpuLoad b : p.gpus()) {
            if (b.path().size() == a.path().size() + 1 && b.path().subList(0, a.path().size()).equals(a.path())) {
              double chunk = Math.min(r.chunkBytes(), r.shardBytes()) / a.rateBytesPerSecond();
              assertTrue(b.doneSeconds() >= a.doneSeconds() + chunk * (1 - 1e-9), p.strategy() + ": " + b);
            }
          }
        }
        for (LoadPlan.InstanceLoad i : p.instances()) {
          double[] ready = i.layerReadySeconds();
          for (int l = 1; l < ready.length; l++) {
            assertTrue(ready[l] >= ready[l - 1], p.strategy() + ": layer " + l + " before layer " + (l - 1));
          }
        }
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> addingAServingInstanceNeverSlowsThePlan() {
    return cases("adding a serving instance never slows the plan", 200, r -> {
      // The first free instance-sized GPU group that neither a source nor a target uses becomes one more source.
      Set<String> used = new HashSet<>();
      for (LoadRequest.Instance i : r.sources()) {
        for (int g : i.gpus()) {
          used.add(i.host() + "/" + g);
        }
      }
      for (LoadRequest.Instance i : r.targets()) {
        for (int g : i.gpus()) {
          used.add(i.host() + "/" + g);
        }
      }
      int k = r.parallelDegree();
      for (var h : r.topology().hosts()) {
        for (int g = 0; g + k <= h.gpus(); g += k) {
          boolean free = true;
          for (int i = 0; i < k; i++) {
            free &= !used.contains(h.name() + "/" + (g + i));
          }
          if (free) {
            int[] gpus = new int[k];
            for (int i = 0; i < k; i++) {
              gpus[i] = g + i;
            }
            List<LoadRequest.Instance> more = new ArrayList<>(r.sources());
            more.add(new LoadRequest.Instance(h.name(), gpus));
            LoadRequest bigger = new LoadRequest(r.topology(), r.layerBytes(), k, more, r.memoryHosts(),
                r.ssdHosts(), r.objectStore(), r.targets(), r.chunkBytes());
            assertTrue(LoadPlanner.plan(bigger).makespanSeconds()
                <= LoadPlanner.plan(r).makespanSeconds() * (1 + 1e-9), "slower with a source on " + h.name());
            return;
          }
        }
      }
    });
  }
}

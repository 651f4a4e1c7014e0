package dev.scaleplan.testkit.properties;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.solvers.scaling.ScalingPlan;
import dev.scaleplan.solvers.scaling.TargetDp;
import dev.scaleplan.testkit.gen.Property;
import dev.scaleplan.testkit.gen.ScalingGens;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The README's testkit example, as written there, so that it keeps compiling and passing. */
class ReadmeExampleTest {
  @TestFactory
  Stream<DynamicTest> myAutoscalerNeverUnderprovisions() {
    return Property.cases("covers the rate", ScalingGens.problems(ScalingGens.optionLists(1, 6), 0.1, 20), 500, p -> {
      ScalingPlan plan = TargetDp.solve(p);   // or your policy's plan
      if (plan.feasible()) {
        assertTrue(plan.totalCapacityPerSecond() >= p.demandPerSecond());
      }
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }
}

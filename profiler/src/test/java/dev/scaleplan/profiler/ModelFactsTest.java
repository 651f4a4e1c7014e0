package dev.scaleplan.profiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.profiler.io.ProfileCsv;
import dev.scaleplan.profiler.io.ProfileFormatException;
import dev.scaleplan.profiler.io.ProfileJson;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ModelFactsTest {
  /**
   * Llama2-70B: 80 layers and about 135 GB of fp16 weights (shared/data/profiles.md section 4, from splitwise-sim's
   * configs); equal layers, so equal latency shares. The per-layer bytes here are the total's even split, less the
   * embeddings (a made-up 2 GB), just to exercise the format.
   */
  static ModelFacts llama70b() {
    long[] layer = new long[80];
    double[] shares = new double[80];
    for (int i = 0; i < 80; i++) {
      layer[i] = (135_000_000_000L - 2_000_000_000L) / 80;
      shares[i] = 1.0 / 80;
    }
    return new ModelFacts(OptionalLong.of(135_000_000_000L), layer, shares, OptionalLong.of(16_384),
        OptionalLong.of(160_000_000_000L));
  }

  @Test
  void roundTripsThroughBothFormats() {
    LatencyProfile p = LatencyProfile.builder("llama2-70b").facts(llama70b())
        .add("H100-80GB", 4, Phase.DECODE, 1, 0.0297, 0.031).build();
    assertEquals(p, ProfileCsv.parse(ProfileCsv.write(p), "p.csv"));
    assertEquals(p, ProfileJson.parse(ProfileJson.write(p), "p.json"));
    assertEquals(80, p.facts().layers());
    assertTrue(ProfileCsv.write(p).contains("# parameter_bytes: 135000000000"));
  }

  @Test
  void validation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ModelFacts(
        OptionalLong.of(10), new long[] {6, 6}, new double[0], OptionalLong.empty(), OptionalLong.empty()));
    assertTrue(e.getMessage().contains("(12) exceed the model's total (10)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ModelFacts(OptionalLong.empty(), new long[0],
        new double[] {0.5, 0.4}, OptionalLong.empty(), OptionalLong.empty()));
    assertTrue(e.getMessage().contains("sum to 0.9"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ModelFacts(OptionalLong.empty(), new long[] {1, 2, 3},
        new double[] {0.5, 0.5}, OptionalLong.empty(), OptionalLong.empty()));
    assertTrue(e.getMessage().contains("3 layers but latency shares for 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new ModelFacts(OptionalLong.of(0), new long[0], new double[0],
        OptionalLong.empty(), OptionalLong.empty()));
  }

  @Test
  void malformedFactsLinesNameTheLine() {
    String text = "# model: m\n# parameter_bytes: lots\ngpu,parallel_degree,phase,batch,mean_s,p99_s\nA,1,batch,1,1,1\n";
    ProfileFormatException e = assertThrows(ProfileFormatException.class, () -> ProfileCsv.parse(text, "f.csv"));
    assertTrue(e.getMessage().startsWith("f.csv line 2: 'lots' is not a whole number of bytes (parameter_bytes)"),
        e.getMessage());
    String shares = "# model: m\n# layer_latency_shares: 0.5 0.6\ngpu,parallel_degree,phase,batch,mean_s,p99_s\n"
        + "A,1,batch,1,1,1\n";
    e = assertThrows(ProfileFormatException.class, () -> ProfileCsv.parse(shares, "s.csv"));
    assertTrue(e.getMessage().startsWith("s.csv line 2: The layers' latency shares sum to 1.1"), e.getMessage());
  }
}

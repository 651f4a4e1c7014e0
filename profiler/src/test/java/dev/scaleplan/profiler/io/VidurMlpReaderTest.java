package dev.scaleplan.profiler.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyCurve.Statistic;
import dev.scaleplan.profiler.LatencyPoint;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reads Vidur's mlp.csv files as published (copies of shared/data/vidur_profiling/compute/.../mlp.csv in the test
 * resources, MIT, with their SOURCE.txt).
 */
class VidurMlpReaderTest {
  static Path root() throws URISyntaxException {
    return Path.of(VidurMlpReaderTest.class.getResource("/data/vidur/compute").toURI());
  }

  static LatencyProfile read(String gpu, String model) throws URISyntaxException {
    return VidurMlpReader.read(root().resolve(gpu).resolve("meta-llama").resolve(model).resolve("mlp.csv"));
  }

  @Test
  void readsEveryFile() throws IOException, URISyntaxException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(root())) {
      files = s.filter(p -> p.getFileName().toString().equals("mlp.csv")).sorted().toList();
    }
    assertEquals(5, files.size());
    for (Path f : files) {
      LatencyProfile p = VidurMlpReader.read(f);
      assertEquals(4, p.curves().size(), f + ": TP 1, 2, 4, 8");
      for (LatencyCurve c : p.curves().values()) {
        assertEquals(1, c.minBatch(), f.toString());
        assertEquals(4096, c.maxBatch(), f.toString());
      }
      assertEquals(p, ProfileCsv.parse(ProfileCsv.write(p), "round-trip")); // survives our own format
    }
  }

  /**
   * Llama-2-70B on H100, one layer's MLP-side time in ms, as summarised in shared/data/profiles.md section 2b and
   * vidur_profiling/compute_summary.txt (sums of the per-layer operators' medians, the embedding excluded). The
   * reader sums means, which lie within 3% of the sums of medians at these measured points.
   */
  @ParameterizedTest
  @CsvSource({"1, 512, 1.256", "2, 512, 0.709", "4, 512, 0.375", "8, 512, 0.221",
      "1, 4096, 10.86", "2, 4096, 5.50", "4, 4096, 2.77", "8, 4096, 1.54"})
  void matchesThePublishedSummary(int tp, int tokens, double ms) throws URISyntaxException {
    LatencyCurve c = read("h100", "Llama-2-70b-hf").require("h100", tp, Phase.BATCH);
    LatencyPoint measured = c.points().stream().filter(p -> p.batchSize() == tokens).findFirst().orElseThrow();
    assertEquals(ms / 1000, measured.meanSeconds(), 0.03 * ms / 1000, "TP " + tp + ", " + tokens);
    assertTrue(measured.p99Seconds() >= measured.meanSeconds());
    // Queries hold the running maximum, so a noisy spike at fewer tokens can only raise them.
    assertTrue(c.seconds(tokens, Statistic.MEAN) >= measured.meanSeconds());
  }

  @Test
  void malformedFilesNameLineAndColumn() {
    ProfileFormatException e = assertThrows(ProfileFormatException.class,
        () -> VidurMlpReader.read(new StringReader("a,b\n1,2\n"), "mlp.csv", "h100", "m"));
    assertTrue(e.getMessage().startsWith("mlp.csv line 1: the header lacks the column 'time_stats.input_layernorm.mean'"),
        e.getMessage());
    e = assertThrows(ProfileFormatException.class,
        () -> VidurMlpReader.read(new StringReader(""), "mlp.csv", "h100", "m"));
    assertTrue(e.getMessage().contains("the file is empty"), e.getMessage());
  }

  @Test
  void aPathOutsideTheLayoutIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VidurMlpReader.read(Path.of("/mlp.csv")));
    assertTrue(e.getMessage().contains("Cannot tell the GPU and model"), e.getMessage());
  }
}

package dev.scaleplan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.fit.BatchFits;
import dev.scaleplan.profiler.io.ProfileCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCommandTest {

  @Test
  void showsTheEmbeddedExampleByDefault() {
    QueueCommandTest.Run r = QueueCommandTest.run("profile", "show");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("A100-80GB x1 batch"), r.out());
    assertTrue(r.out().contains("11.193 ms"), "published A100 batch-32 mean: " + r.out());
  }

  @Test
  void showsAFileAsJson(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("p.csv");
    ProfileCsv.write(ExampleProfiles.resnet50(), file);
    QueueCommandTest.Run r = QueueCommandTest.run("profile", "show", file.toString(), "--json");
    assertEquals(0, r.status(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals("resnet50-v1.5", j.get("model").asText());
    assertEquals(4, j.get("curves").size());
    assertEquals(11.193e-3, j.get("curves").get(0).get("points").get(5).get("meanSeconds").asDouble(), 1e-15);
  }

  /** fit prints each curve's fits and writes the monotone-fitted profile, which reads back equal. */
  @Test
  void fitsAndWritesTheMonotoneProfile(@TempDir Path dir) {
    Path out = dir.resolve("fitted.csv");
    QueueCommandTest.Run r = QueueCommandTest.run("profile", "fit", "--example", "resnet50", "--out", out.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("affine") && r.out().contains("monotone"), r.out());
    assertTrue(Files.exists(out));
    assertEquals(BatchFits.monotone(ExampleProfiles.resnet50()), ProfileCsv.read(out));
  }

  @Test
  void readsOurJsonToo(@TempDir Path dir) {
    Path file = dir.resolve("p.json");
    dev.scaleplan.profiler.io.ProfileJson.write(ExampleProfiles.resnet50(), file);
    QueueCommandTest.Run r = QueueCommandTest.run("profile", "show", file.toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("11.193 ms"), r.out());
  }

  @Test
  void badInputIsOneLineAndStatusTwo(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "# model: m\ngpu,parallel_degree,phase,batch,mean_s,p99_s\nA100,1,batch,1,abc,1\n");
    Path unknown = dir.resolve("unknown.csv");
    Files.writeString(unknown, "a,b,c\n1,2,3\n");
    String[][] cases = {
        {"profile", "show", dir.resolve("missing.csv").toString()},
        {"profile", "show", bad.toString()},
        {"profile", "show", unknown.toString()},
        {"profile", "show", "--example", "nosuch"},
        {"profile", "show", "--example", "resnet50", "--model", "other"},
        {"profile", "fit", bad.toString(), "--format", "vidur"}};
    for (String[] args : cases) {
      QueueCommandTest.Run r = QueueCommandTest.run(args);
      assertEquals(2, r.status(), String.join(" ", args) + ": " + r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    QueueCommandTest.Run r = QueueCommandTest.run("profile", "show", bad.toString());
    assertTrue(r.err().contains("line 3, column 5"), r.err());
  }

  @Test
  void measureWithoutAGpuSaysSoAndExitsOne() {
    org.junit.jupiter.api.Assumptions.assumeTrue(!dev.scaleplan.adapters.jcuda.CudaProbe.available(),
        "a GPU is present: this test is for machines without one");
    PlanCommandTest.Result r = PlanCommandTest.run("profile", "measure", "--gpu", "0");
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.err().startsWith("scaleplan profile measure: no CUDA device: ") && r.err().strip().lines().count() == 1,
        r.err());
    PlanCommandTest.Result bad = PlanCommandTest.run("profile", "measure", "--batches", "0");
    assertEquals(2, bad.status());
    assertTrue(bad.err().contains("batch size (0)"), bad.err());
  }
}

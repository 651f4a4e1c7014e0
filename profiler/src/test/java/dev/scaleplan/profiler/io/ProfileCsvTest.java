package dev.scaleplan.profiler.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileCsvTest {
  private static final String HEADER = "# model: m\ngpu,parallel_degree,phase,batch,mean_s,p99_s\n";

  @Test
  void writeThenReadGivesAnEqualProfile(@TempDir Path dir) {
    LatencyProfile p = ExampleProfiles.resnet50();
    Path file = dir.resolve("resnet.csv");
    ProfileCsv.write(p, file);
    assertEquals(p, ProfileCsv.read(file));
    assertEquals(ProfileCsv.write(p), ProfileCsv.write(ProfileCsv.read(file)));
  }

  /** Each malformed input names the file, the line and the column at fault. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "A100,1,batch,1,abc,0.1 | bad.csv line 3, column 5: 'abc' is not a number (mean_s)",
      "A100,1,batch,1,-0.2,0.1 | bad.csv line 3, column 5: the mean_s (-0.2) must be a finite latency above 0",
      "A100,1,batch,1,0.1 | bad.csv line 3, column 6: expected 6 cells",
      "A100,x,batch,1,0.1,0.1 | bad.csv line 3, column 2: 'x' is not a whole number (parallel_degree)",
      "A100,1,training,1,0.1,0.1 | bad.csv line 3, column 3: The phase 'training' is not one of",
      "A100,1,batch,0,0.1,0.1 | bad.csv line 3, column 4: the batch (0) must be at least 1",
      "A100,1,batch,1,0.1,NaN | bad.csv line 3, column 6: the p99_s (NaN) must be a finite latency",
      ",1,batch,1,0.1,0.1 | bad.csv line 3, column 1: the gpu cell is empty"})
  void malformedRowsNameLineAndColumn(String row, String expected) {
    ProfileFormatException e = assertThrows(ProfileFormatException.class,
        () -> ProfileCsv.parse(HEADER + row + "\n", "bad.csv"));
    assertTrue(e.getMessage().startsWith(expected.strip()), e.getMessage());
    assertEquals(3, e.line());
  }

  @Test
  void duplicateRowsMissingColumnsAndEmptyFiles() {
    ProfileFormatException e = assertThrows(ProfileFormatException.class, () -> ProfileCsv.parse(
        HEADER + "A100,1,batch,1,0.1,0.1\nA100,1,batch,2,0.2,0.2\nA100,1,batch,1,0.3,0.3\n", "dup.csv"));
    assertTrue(e.getMessage().startsWith("dup.csv line 5: a second row for A100 x1 batch, batch 1"), e.getMessage());
    e = assertThrows(ProfileFormatException.class,
        () -> ProfileCsv.parse("# model: m\ngpu,parallel_degree,phase,batch,mean_s\nA100,1,batch,1,0.1\n", "h.csv"));
    assertTrue(e.getMessage().startsWith("h.csv line 2, column 6: the header lacks the column 'p99_s'"),
        e.getMessage());
    e = assertThrows(ProfileFormatException.class, () -> ProfileCsv.parse("", "empty.csv"));
    assertTrue(e.getMessage().contains("empty.csv") && e.getMessage().contains("no '# model: NAME' line"),
        e.getMessage());
    e = assertThrows(ProfileFormatException.class, () -> ProfileCsv.parse(HEADER, "norows.csv"));
    assertTrue(e.getMessage().contains("a header but no measured rows"), e.getMessage());
    e = assertThrows(ProfileFormatException.class,
        () -> ProfileCsv.parse("gpu,parallel_degree,phase,batch,mean_s,p99_s\nA100,1,batch,1,0.1,0.1\n", "m.csv"));
    assertTrue(e.getMessage().contains("no '# model: NAME' line"), e.getMessage());
  }

  @Test
  void unreadableFilesSayWhich(@TempDir Path dir) {
    Path missing = dir.resolve("nope.csv");
    Exception e = assertThrows(java.io.UncheckedIOException.class, () -> ProfileCsv.read(missing));
    assertTrue(e.getMessage().contains("nope.csv"), e.getMessage());
    assertTrue(Files.notExists(missing));
  }
}

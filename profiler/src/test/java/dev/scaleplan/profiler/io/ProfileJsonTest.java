package dev.scaleplan.profiler.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyProfile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProfileJsonTest {

  @Test
  void writeThenReadGivesAnEqualProfile(@TempDir Path dir) {
    LatencyProfile p = ExampleProfiles.resnet50();
    Path file = dir.resolve("resnet.json");
    ProfileJson.write(p, file);
    assertEquals(p, ProfileJson.read(file));
    assertEquals(p, ProfileCsv.parse(ProfileCsv.write(ProfileJson.parse(ProfileJson.write(p), "x")), "y"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"format\":\"scaleplan-profile/1\",\"model\":\"m\",\"curves\":[{\"gpu\":\"A\",\"parallelDegree\":1,"
          + "\"phase\":\"batch\",\"points\":[{\"batch\":1,\"meanSeconds\":\"fast\",\"p99Seconds\":1}]}]}"
          + " | curves[0].points[0].meanSeconds must be a number",
      "{\"format\":\"scaleplan-profile/1\",\"model\":\"m\",\"curves\":[{\"gpu\":\"A\",\"parallelDegree\":1,"
          + "\"phase\":\"batch\",\"points\":[{\"batch\":1,\"meanSeconds\":-1,\"p99Seconds\":1}]}]}"
          + " | curves[0].points[0]: The mean latency (s) at batch 1 (-1.0) must be a finite number above 0",
      "{\"format\":\"scaleplan-profile/1\",\"model\":\"m\",\"curves\":[{\"gpu\":\"A\",\"phase\":\"batch\","
          + "\"points\":[]}]} | curves[0].parallelDegree is missing",
      "{\"format\":\"other/2\",\"model\":\"m\",\"curves\":[]} | the format is 'other/2'",
      "{\"format\":\"scaleplan-profile/1\",\"model\":\"m\",\"curves\":[]} | has no measured point",
      "{\"format\": | line 1, column"})
  void malformedDocumentsSayWhere(String json, String expected) {
    ProfileFormatException e = assertThrows(ProfileFormatException.class, () -> ProfileJson.parse(json, "p.json"));
    assertTrue(e.getMessage().startsWith("p.json line 1, column "), e.getMessage());
    assertTrue(e.getMessage().contains(expected.strip()), e.getMessage());
  }

  /** Content errors found after parsing are located at the offending value's line and column. */
  @Test
  void contentErrorsHaveLineAndColumn() {
    String json = "{\"format\": \"scaleplan-profile/1\",\n \"model\": \"m\",\n \"curves\": [\n"
        + "  {\"gpu\": \"A\", \"parallelDegree\": 1, \"phase\": \"batch\",\n"
        + "   \"points\": [{\"batch\": 1, \"meanSeconds\": \"fast\", \"p99Seconds\": 1}]}]}";
    ProfileFormatException e = assertThrows(ProfileFormatException.class, () -> ProfileJson.parse(json, "p.json"));
    assertEquals(5, e.line(), e.getMessage());
    assertEquals(43, e.column(), e.getMessage()); // where "fast" starts: 3 spaces, then 39 characters before it
    assertTrue(e.getMessage().contains("curves[0].points[0].meanSeconds must be a number"), e.getMessage());
  }
}

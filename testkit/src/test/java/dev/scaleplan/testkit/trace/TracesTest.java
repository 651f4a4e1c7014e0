package dev.scaleplan.testkit.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracesTest {
  /** A copy of shared/data/azure_functions_2021_slice/Azure2021_200.csv (see SOURCE-Azure2021_200.txt beside it). */
  static final Path FUNCTIONS_2021 = Path.of("src/test/resources/traces/Azure2021_200.csv");

  @TempDir Path dir;

  @Test
  void azureLlmCodeTrace() throws IOException {
    List<Arrival> a = ExampleTraces.open("azure-llm-code").toList();
    // shared/data/azure_llm_2023/STATS.txt (computed by shared/data/scripts/stats.py): n 8,819, first
    // 18:17:03.979960, last 19:14:19.928016, so 3,435.948056 s; interarrival CV 13.15.
    assertEquals(8819, a.size());
    assertEquals(0, a.get(0).seconds());
    assertEquals(3435.948056, a.get(a.size() - 1).seconds(), 1e-9);
    assertEquals(13.15, cv(a), 0.005);
    // Token sums by Python's csv module over the file (ours, not the reader): 18,059,974 context, 245,896 generated.
    assertEquals(18_059_974, a.stream().mapToLong(Arrival::inputTokens).sum());
    assertEquals(245_896, a.stream().mapToLong(Arrival::outputTokens).sum());
    // The first row: 2023-11-16 18:17:03.9799600,4808,10; the second 0.052 s later, 3180 tokens.
    assertEquals(4808, a.get(0).inputTokens());
    assertEquals(10, a.get(0).outputTokens());
    assertEquals(0.052, a.get(1).seconds(), 1e-12);
    assertEquals(-1, a.get(0).durationSeconds());
  }

  @Test
  void azureLlmConvTraceEmbeddedGzipAndPlainReadTheSame() throws IOException {
    double[] plain = ExampleTraces.open("Azure-LLM-Conv").times();
    // STATS.txt: n 19,366; python: last - first = 3,501.721937 s; the conv trace is close to Poisson (CV near 1).
    assertEquals(19_366, plain.length);
    assertEquals(3501.721937, plain[plain.length - 1], 1e-9);
    // The same file unzipped on disk reads the same.
    Path csv = dir.resolve("conv.csv");
    try (var in = new java.util.zip.GZIPInputStream(
        ExampleTraces.class.getResourceAsStream("azure-llm-2023-conv.csv.gz"))) {
      Files.copy(in, csv);
    }
    assertArrayEquals(plain, Traces.open(csv, "AZURE-LLM").times());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExampleTraces.open("code"));
    assertTrue(e.getMessage().contains("azure-llm-code"), e.getMessage());
  }

  @Test
  void azureFunctions2021ArrivalsAreEndMinusDurationInOrder() throws IOException {
    List<Arrival> a = Traces.open(FUNCTIONS_2021, "azure-functions-2021").toList();
    // By Python over the file: 199 invocations, arrivals (end - duration) from 0.0014909 s to 1200.0147981 s.
    assertEquals(199, a.size());
    assertEquals(1200.0147980537415 - 0.0014909000396728517, a.get(a.size() - 1).seconds(), 1e-9);
    for (int i = 1; i < a.size(); i++) {
      assertTrue(a.get(i).seconds() >= a.get(i - 1).seconds());
    }
    // The first data row: end 0.07949090003967285, duration 0.078: arrival 0.0014909, the earliest.
    assertEquals(0.078, a.get(0).durationSeconds());
    assertTrue(a.get(0).key().startsWith("7b2c43a2bc30f6bb/".substring(0, 16)), a.get(0).key());
    assertTrue(a.get(0).key().contains("/e3cdb48830f66eb8"), a.get(0).key());
  }

  @Test
  void azureFunctions2019CountsExpandEvenlyOrAsPoisson() throws IOException {
    Path f = dir.resolve("invocations_per_function_md.anon.d01.csv");
    Files.writeString(f, "HashOwner,HashApp,HashFunction,Trigger,1,2,3\n"
        + "o1,a1,f1,http,2,0,1\n"
        + "o2,a2,f2,timer,1,1,0\n");
    List<Arrival> even = Traces.open(f, "azure-functions-2019").toList();
    // Minute 0: f1 at 60 (0.25, 0.75) = 15, 45 s; f2 at 30 s. Minute 1: f2 at 90 s. Minute 2: f1 at 150 s.
    assertEquals(List.of(15.0, 30.0, 45.0, 90.0, 150.0), even.stream().map(Arrival::seconds).toList());
    assertEquals(List.of("a1/f1", "a2/f2", "a1/f1", "a2/f2", "a1/f1"), even.stream().map(Arrival::key).toList());
    Traces.Options poisson = new Traces.Options(false, MinuteRule.POISSON, 7);
    double[] p = Traces.open(f, "azure-functions-2019", poisson).times();
    assertEquals(5, p.length);
    int[] perMinute = new int[3];
    for (double t : p) {
      perMinute[(int) (t / 60)]++;
    }
    assertArrayEquals(new int[] {3, 1, 1}, perMinute);
    assertArrayEquals(p, Traces.open(f, "azure-functions-2019", poisson).times());
    assertFalse(java.util.Arrays.equals(p, Traces.open(f, "azure-functions-2019",
        new Traces.Options(false, MinuteRule.POISSON, 8)).times()));
  }

  @Test
  void plainTimestampsWithOrWithoutAHeader() throws IOException {
    Path f = dir.resolve("t.csv");
    Files.writeString(f, "time,extra\n10.5,x\n\n11,y\n12.25\n");
    assertArrayEquals(new double[] {0, 0.5, 1.75}, Traces.open(f, "timestamps").times());
    Files.writeString(f, "3\n4\n");
    assertArrayEquals(new double[] {0, 1}, Traces.open(f, "timestamps").times());
    Files.writeString(f, "");
    assertEquals(0, Traces.open(f, "timestamps").times().length);
  }

  @Test
  void malformedLinesNameTheFileAndLineOrAreSkippedAndCounted() throws IOException {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "time\n1\n2\nabc\n3\n2.5\n4\n");
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> Traces.open(f, "timestamps").times());
    assertEquals(4, e.line());
    assertTrue(e.getMessage().contains("bad.csv, line 4") && e.getMessage().contains("'abc'"), e.getMessage());
    ArrivalStream s = Traces.open(f, "timestamps", Traces.Options.DEFAULT.skippingMalformed());
    assertArrayEquals(new double[] {0, 1, 2, 3}, times(s));
    assertEquals(2, s.skipped());  // 'abc', and 2.5 going back in time
    Path llm = dir.resolve("llm.csv");
    Files.writeString(llm, AzureLlmStream.HEADER + "\n2023-11-16 18:17:03.9799600,4808,10\n"
        + "2023-11-16 18:17:04,-3,8\n2023-11-16 18:17:05.5,1,1\n2023-13-16 18:17:06,1,1\n2023-11-16 18:17:06,1\n");
    e = assertThrows(TraceFormatException.class, () -> Traces.open(llm, "azure-llm").times());
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("ContextTokens ('-3')"),
        e.getMessage());
    s = Traces.open(llm, "azure-llm", Traces.Options.DEFAULT.skippingMalformed());
    assertArrayEquals(new double[] {0, 1.52004}, times(s), 1e-12);
    assertEquals(3, s.skipped());
    Files.writeString(llm, "when,tokens\n1,2\n");
    e = assertThrows(TraceFormatException.class, () -> Traces.open(llm, "azure-llm"));
    assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("expected the header"), e.getMessage());
    IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> Traces.open(f, "csv"));
    assertTrue(u.getMessage().contains("'csv'") && u.getMessage().contains("azure-functions-2019"), u.getMessage());
  }

  @Test
  void aCorruptGzipIsAFormatError() throws IOException {
    Path gz = dir.resolve("x.gz");
    Files.write(gz, new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3});
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> Traces.open(gz, "timestamps").times());
    assertTrue(e.getMessage().contains("gzip"), e.getMessage());
  }

  private static double[] times(ArrivalStream s) {
    double[] out = new double[100];
    int n = 0;
    while (s.advance()) {
      out[n++] = s.seconds();
    }
    return java.util.Arrays.copyOf(out, n);
  }

  /** The coefficient of variation of the interarrival times (population variance, as stats.py computes it). */
  static double cv(List<Arrival> a) {
    int n = a.size() - 1;
    double sum = 0;
    double sq = 0;
    for (int i = 1; i < a.size(); i++) {
      double d = a.get(i).seconds() - a.get(i - 1).seconds();
      sum += d;
      sq += d * d;
    }
    double mean = sum / n;
    return Math.sqrt(sq / n - mean * mean) / mean;
  }
}

package dev.scaleplan.testkit.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

/**
 * Traces embedded in the testkit: the two one-hour Azure LLM inference traces of 2023 (Patel et al., "Splitwise:
 * Efficient generative LLM inference using phase splitting", ISCA 2024; Azure Public Dataset, CC-BY 4.0; see
 * {@code SOURCE-azure-llm-2023.txt} beside them): {@code azure-llm-code} (8,819 requests over 57 minutes, very
 * bursty: interarrival CV 13.2) and {@code azure-llm-conv} (19,366 requests over 58 minutes, close to Poisson).
 */
public final class ExampleTraces {
  /** The names of the embedded traces. */
  public static final List<String> NAMES = List.of("azure-llm-code", "azure-llm-conv");

  private ExampleTraces() {}

  /** Opens the named embedded trace (case-insensitive). */
  public static ArrivalStream open(String name) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    if (!NAMES.contains(key)) {
      throw new IllegalArgumentException("There is no embedded trace '" + name + "'; the embedded traces are "
          + NAMES + ".");
    }
    String resource = key.replace("azure-llm-", "azure-llm-2023-") + ".csv.gz";
    InputStream in = ExampleTraces.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("The embedded trace " + resource + " is missing from the testkit jar.");
    }
    try {
      return Traces.open(in, "embedded " + key, "azure-llm", Traces.Options.DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

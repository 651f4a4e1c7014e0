package dev.scaleplan.testkit.trace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The trace parsers on hostile input: any bytes either read or fail with a {@link TraceFormatException} (never another
 * exception, never a hang, never a time that goes back or is not finite), and with skipping on, only a bad header
 * fails. {@link #anyBytes} is a Jazzer fuzz target (stored inputs in regression mode, new ones with
 * {@code JAZZER_FUZZ=1}); {@link #seededMutationsOfValidFiles} drives the same check with 4,000 seeded mutations of
 * valid files on every build.
 */
class TraceFuzzTest {
  static final String[] VALID = {
      "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n"
          + "2023-11-16 18:17:04.0319600,3180,8\n2023-11-17 00:00:00,1,1\n",
      "app,func,end_timestamp,duration\na,f,0.5,0.25\nb,g,2,1.5\na,f,0.75,0.5\n",
      "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,3,0\no,b,g,timer,1,2\n",
      "time\n0.5\n1\n1\n2.5\n"};

  @FuzzTest(maxDuration = "10s")
  void anyBytes(FuzzedDataProvider data) {
    int format = data.consumeInt(0, Traces.FORMATS.size() - 1);
    boolean skip = data.consumeBoolean();
    check(data.consumeRemainingAsBytes(), Traces.FORMATS.get(format), skip);
  }

  @Test
  void seededMutationsOfValidFiles() {
    SplittableRandom r = new SplittableRandom(2026);
    String alphabet = "0123456789,.:- \n\r\t\u00e9e+E-NaNInfinity" + '\0';
    for (int i = 0; i < 4000; i++) {
      int f = r.nextInt(VALID.length);
      StringBuilder text = new StringBuilder(VALID[f]);
      int edits = 1 + r.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = r.nextInt(text.length() + 1);
        switch (r.nextInt(3)) {
          case 0 -> text.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
          case 1 -> {
            if (at < text.length()) {
              text.deleteCharAt(at);
            }
          }
          default -> {
            if (at < text.length()) {
              text.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
            }
          }
        }
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      check(bytes, Traces.FORMATS.get(f), r.nextBoolean());
    }
  }

  static void check(byte[] bytes, String format, boolean skip) {
    Traces.Options options = skip ? Traces.Options.DEFAULT.skippingMalformed() : Traces.Options.DEFAULT;
    boolean headerRead = false;
    try (ArrivalStream s = Traces.open(new ByteArrayInputStream(bytes), "fuzz", format, options)) {
      headerRead = true;
      double last = Double.NEGATIVE_INFINITY;
      for (int n = 0; s.advance(); n++) {
        double t = s.seconds();
        assertTrue(Double.isFinite(t) && t >= last && t >= 0, format + ": time " + t + " after " + last);
        assertTrue(n < 10_000_000, "no end");
        s.key();
        last = t;
      }
    } catch (TraceFormatException e) {
      assertTrue(!skip || !headerRead, "with skipping on, only a header may fail: " + e.getMessage());
      assertTrue(e.getMessage().startsWith("fuzz, line "), e.getMessage());
    } catch (IOException e) {
      throw new AssertionError("An in-memory stream cannot fail to read", e);
    }
  }
}

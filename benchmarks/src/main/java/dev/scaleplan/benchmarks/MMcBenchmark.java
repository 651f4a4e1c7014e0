package dev.scaleplan.benchmarks;

import dev.scaleplan.queueing.MMc;
import dev.scaleplan.queueing.QueueMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * M/M/c metrics at c = 1, 100 and 10,000 servers and utilisation 0.9: Erlang C, mean wait and the p99 of waiting and
 * response time (the response p99 needs root finding). The baseline is the textbook evaluation of Erlang C, the
 * factorial sum done in log space with {@code lgamma} (what one writes without the Erlang B recursion), computing
 * only P(wait), so the ratio is conservative.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MMcBenchmark {
  @Param({"1", "100", "10000"})
  int servers;

  double rate;

  @org.openjdk.jmh.annotations.Setup
  public void setup() {
    rate = 0.9 * servers / 0.01; // mean service 10 ms, ρ = 0.9
  }

  @Benchmark
  public double metrics() {
    QueueMetrics m = MMc.of(rate, servers, 0.01).metrics();
    return m.probWait().value() + m.meanWait().value() + m.waitP99().value() + m.responseP99().value();
  }

  @Benchmark
  public double baselineLogSpaceErlangC() {
    return LogSpaceErlangC.probWait(servers, rate * 0.01);
  }

  /** Baseline: P(wait) from the factorial form, summed in log space with lgamma (Commons Math). */
  static final class LogSpaceErlangC {
    static double probWait(int c, double a) {
      double logTop = c * Math.log(a) - org.apache.commons.math3.special.Gamma.logGamma(c + 1.0)
          + Math.log(c / (c - a));
      double max = logTop;
      double[] logs = new double[c];
      for (int k = 0; k < c; k++) {
        logs[k] = k * Math.log(a) - org.apache.commons.math3.special.Gamma.logGamma(k + 1.0);
        max = Math.max(max, logs[k]);
      }
      double sum = 0;
      for (double l : logs) {
        sum += Math.exp(l - max);
      }
      double top = Math.exp(logTop - max);
      return top / (sum + top);
    }
  }
}

package dev.scaleplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.BatchQueue;
import dev.scaleplan.queueing.Capacity;
import dev.scaleplan.queueing.CapacityResult;
import dev.scaleplan.queueing.Estimate;
import dev.scaleplan.queueing.MDc;
import dev.scaleplan.queueing.MG1;
import dev.scaleplan.queueing.MGc;
import dev.scaleplan.queueing.MMc;
import dev.scaleplan.queueing.Method;
import dev.scaleplan.queueing.QueueMetrics;
import dev.scaleplan.queueing.QueueModel;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scaleplan queue}: the delays of one queueing model, and optionally its capacity under an SLO. */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Queueing delays of one model: utilisation, probability of waiting, mean and percentiles of waiting and "
          + "response time, each labelled with the method that produced it (exact, approximation, numerical, "
          + "simulation with a confidence interval).",
      "",
      "With no --model it runs the built-in example: dynamic batching of ResNet-50 on one A100 (published Triton "
          + "latencies, max batch 32) at 2,000 requests/s, with its capacity under p99 <= 20 ms. Options such as "
          + "--rate, --max-batch or --slo-target change the example.",
      "",
      "Times are in seconds (a plain number) or carry a unit: 250ms, 0.25s, 250us. Rates are requests per second."
    },
    footer = {
      "",
      "Examples:",
      "  scaleplan queue",
      "  scaleplan queue --model mmc --rate 80 --servers 10 --service 0.1",
      "  scaleplan queue --model batch --rate 600 --max-batch 16 --batch-fixed 2ms --batch-per-item 1ms --slo-target 50ms",
      "  scaleplan queue --model mdc --rate 95 --servers 100 --service 1 --percentile 99.9 --json"
    })
final class QueueCommand implements Callable<Integer> {
  /** The models this command knows. */
  enum ModelName { mmc, mdc, mg1, mgc, batch }

  private static final double EXAMPLE_RATE = 2000;
  private static final int EXAMPLE_MAX_BATCH = 32;
  private static final double EXAMPLE_SLO_SECONDS = 0.020;

  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "MODEL",
      description = "mmc (M/M/c, exact), mdc (M/D/c, exact), mg1 (M/G/1), mgc (M/G/c, Allen-Cunneen), "
          + "batch (dynamic batching). Default: the built-in batch example.")
  ModelName model;

  @Option(names = "--rate", paramLabel = "R", converter = FiniteDoubleConverter.class,
      description = "Arrival rate, requests per second (Poisson).")
  Double rate;

  @Option(names = "--servers", paramLabel = "C", defaultValue = "1",
      description = "Servers (GPUs or replicas) sharing one FIFO queue. Default: ${DEFAULT-VALUE}.")
  int servers;

  @Option(names = "--service", paramLabel = "S", converter = DurationConverter.class,
      description = "Mean service time (mmc, mg1, mgc) or the fixed service time (mdc).")
  Double service;

  @Option(names = "--service-cv", paramLabel = "CV", converter = FiniteDoubleConverter.class,
      description = "Coefficient of variation of the service time (mg1, mgc): 0 deterministic, 1 exponential.")
  Double serviceCv;

  @Option(names = "--max-batch", paramLabel = "B", description = "Largest batch a server takes (batch).")
  Integer maxBatch;

  @Option(names = "--batch-fixed", paramLabel = "A", converter = DurationConverter.class,
      description = "Per-batch latency A in l(b) = A + K*b (batch).")
  Double batchFixed;

  @Option(names = "--batch-per-item", paramLabel = "K", converter = DurationConverter.class,
      description = "Per-request latency K in l(b) = A + K*b (batch).")
  Double batchPerItem;

  @Option(names = "--max-queue-delay", paramLabel = "T", converter = DurationConverter.class,
      description = "Hold a batch until it is full or its oldest request waited T (batch; Triton's "
          + "max_queue_delay). Default: 0, work-conserving.")
  Double maxQueueDelay;

  @Option(names = "--percentile", paramLabel = "P", defaultValue = "99", converter = FiniteDoubleConverter.class,
      description = "Extra percentile to report, and the SLO's percentile. Default: ${DEFAULT-VALUE}.")
  double percentile;

  @Option(names = "--slo-target", paramLabel = "X", converter = DurationConverter.class,
      description = "SLO target for the P-th percentile of response time; adds the largest rate that meets it.")
  Double sloTarget;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Setup setup = setup();
    QueueMetrics metrics = setup.model(setup.rate).metrics();
    CapacityResult capacity = setup.slo == null ? null
        : setup.name == ModelName.batch ? Capacity.of(setup.instance, setup.slo)
        : Capacity.maxRate(setup::model, setup.saturation, setup.slo, Capacity.DEFAULT_RELATIVE_TOLERANCE);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(toJson(metrics, capacity)));
    } else {
      printTable(out, setup, metrics, capacity);
    }
    out.flush();
    return 0;
  }

  /** Everything the evaluation needs, with the arguments validated. */
  private final class Setup {
    String title;
    double rate;
    double saturation;
    Slo slo;
    ModelName name;
    InstanceConfig instance;

    QueueModel model(double r) {
      switch (name) {
        case mmc:
          return MMc.of(r, servers, service);
        case mdc:
          return MDc.of(r, servers, service);
        case mg1:
          return MG1.of(r, service, serviceCv);
        case mgc:
          return MGc.of(r, servers, service, serviceCv);
        default:
          return BatchQueue.of(r, instance);
      }
    }
  }

  private Setup setup() {
    Setup s = new Setup();
    if (!(percentile > 0 && percentile < 100)) {
      throw new IllegalArgumentException(
          "The --percentile (" + percentile + ") must be strictly between 0 and 100, such as 99.");
    }
    if (servers < 1) {
      throw new IllegalArgumentException("The --servers (" + servers + ") must be at least 1.");
    }
    if (model == null) {
      return exampleSetup(s);
    }
    s.name = model;
    s.rate = require(rate, "--rate");
    switch (model) {
      case mmc, mdc -> {
        require(service, "--service");
        rejectBatchOptions();
        if (serviceCv != null) {
          throw new IllegalArgumentException("--service-cv applies to mg1 and mgc, not " + model
              + " (mmc has cv 1, mdc cv 0).");
        }
        s.saturation = servers / service;
        s.title = (model == ModelName.mmc ? "M/M/" : "M/D/") + servers + ", service "
            + Text.seconds(service) + (model == ModelName.mmc ? " (mean)" : " (fixed)");
      }
      case mg1, mgc -> {
        require(service, "--service");
        require(serviceCv, "--service-cv");
        rejectBatchOptions();
        if (model == ModelName.mg1 && servers != 1) {
          throw new IllegalArgumentException("mg1 has one server; use --model mgc for --servers " + servers + ".");
        }
        s.saturation = servers / service;
        s.title = "M/G/" + servers + ", mean service " + Text.seconds(service) + ", cv " + Text.number(serviceCv);
      }
      default -> {
        if (batchFixed == null && batchPerItem == null) {
          throw new IllegalArgumentException(
              "The batch model needs its batch latency l(b) = A + K*b: give --batch-fixed A and/or --batch-per-item K.");
        }
        require(maxBatch, "--max-batch");
        if (service != null || serviceCv != null) {
          throw new IllegalArgumentException(
              "--service and --service-cv do not apply to the batch model; its service time is l(b).");
        }
        BatchLatency latency = BatchLatency.affine(
            batchFixed == null ? 0 : batchFixed, batchPerItem == null ? 0 : batchPerItem);
        s.instance = instance(latency, maxBatch);
        s.title = "dynamic batching, " + servers + " server(s), l(b) = " + latency + ", max batch " + maxBatch
            + ", " + s.instance.dispatch();
        s.saturation = s.instance.saturationRatePerSecond();
      }
    }
    finishSlo(s);
    return s;
  }

  private Setup exampleSetup(Setup s) {
    if (service != null || serviceCv != null || batchFixed != null || batchPerItem != null) {
      throw new IllegalArgumentException("Name the model with --model when giving --service, --service-cv, "
          + "--batch-fixed or --batch-per-item.");
    }
    s.name = ModelName.batch;
    s.rate = rate == null ? EXAMPLE_RATE : rate;
    s.instance = instance(Examples.resnet50A100(), maxBatch == null ? EXAMPLE_MAX_BATCH : maxBatch);
    s.saturation = s.instance.saturationRatePerSecond();
    s.title = "example: " + Examples.RESNET50_A100_TITLE + ", " + servers + " server(s), max batch "
        + s.instance.maxBatch() + ", " + s.instance.dispatch();
    if (sloTarget == null) {
      sloTarget = EXAMPLE_SLO_SECONDS;
    }
    finishSlo(s);
    return s;
  }

  private InstanceConfig instance(BatchLatency latency, int b) {
    DispatchRule rule = DispatchRule.maxQueueDelay(maxQueueDelay == null ? 0 : maxQueueDelay);
    return new InstanceConfig(servers, b, latency, rule);
  }

  private void finishSlo(Setup s) {
    if (s.rate < 0) {
      throw new IllegalArgumentException("The --rate (" + s.rate + ") must be at least 0 requests per second.");
    }
    if (sloTarget != null) {
      s.slo = Slo.of(percentile, sloTarget);
    }
  }

  private void rejectBatchOptions() {
    if (maxBatch != null || batchFixed != null || batchPerItem != null || maxQueueDelay != null) {
      throw new IllegalArgumentException("--max-batch, --batch-fixed, --batch-per-item and --max-queue-delay "
          + "apply to --model batch only.");
    }
  }

  private static <T> T require(T value, String option) {
    if (value == null) {
      throw new IllegalArgumentException("Missing " + option + " for this model.");
    }
    return value;
  }

  private Map<String, Object> toJson(QueueMetrics m, CapacityResult capacity) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("model", m.model());
    o.put("method", m.method().label());
    o.put("utilization", Text.jsonNumber(m.utilization().value()));
    o.put("stable", m.stable());
    o.put("probWait", Text.jsonNumber(m.probWait().value()));
    o.put("meanWait", Text.jsonNumber(m.meanWait().value()));
    o.put("meanResponse", Text.jsonNumber(m.meanResponse().value()));
    o.put("waitP50", Text.jsonNumber(m.waitP50().value()));
    o.put("waitP95", Text.jsonNumber(m.waitP95().value()));
    o.put("waitP99", Text.jsonNumber(m.waitP99().value()));
    o.put("responseP50", Text.jsonNumber(m.responseP50().value()));
    o.put("responseP95", Text.jsonNumber(m.responseP95().value()));
    o.put("responseP99", Text.jsonNumber(m.responseP99().value()));
    m.meanBatchSize().ifPresent(e -> o.put("meanBatchSize", Text.jsonNumber(e.value())));
    if (capacity != null) {
      o.put("maxRate", capacity.feasible() ? capacity.maxRatePerSecond() : null);
    }
    o.put("arrivalRate", m.arrivalRate());
    o.put("percentile", percentile);
    o.put("waitAtPercentile", Text.jsonNumber(m.waitPercentile(percentile).value()));
    o.put("responseAtPercentile", Text.jsonNumber(m.responsePercentile(percentile).value()));
    Map<String, Object> methods = new LinkedHashMap<>();
    Map<String, Object> intervals = new LinkedHashMap<>();
    figures(m).forEach((k, e) -> {
      methods.put(k, e.method().label());
      if (e.method() == Method.SIMULATION) {
        intervals.put(k, new Object[] {Text.jsonNumber(e.lower()), Text.jsonNumber(e.upper())});
      }
    });
    o.put("methods", methods);
    if (!intervals.isEmpty()) {
      o.put("confidenceLevel", m.confidenceLevel());
      o.put("confidenceIntervals", intervals);
    }
    if (capacity != null) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("percentile", capacity.slo().percentile());
      c.put("targetSeconds", capacity.slo().targetSeconds());
      c.put("feasible", capacity.feasible());
      c.put("maxRate", capacity.feasible() ? capacity.maxRatePerSecond() : null);
      c.put("rateTolerance", capacity.rateTolerance());
      c.put("saturationRate", capacity.saturationRatePerSecond());
      c.put("method", capacity.method().label());
      if (!capacity.feasible()) {
        c.put("reason", capacity.reason());
      }
      o.put("capacity", c);
    }
    if (!m.note().isEmpty()) {
      o.put("note", m.note());
    }
    return o;
  }

  private Map<String, Estimate> figures(QueueMetrics m) {
    Map<String, Estimate> f = new LinkedHashMap<>();
    f.put("utilization", m.utilization());
    f.put("probWait", m.probWait());
    f.put("meanWait", m.meanWait());
    f.put("meanResponse", m.meanResponse());
    f.put("waitP50", m.waitP50());
    f.put("waitP95", m.waitP95());
    f.put("waitP99", m.waitP99());
    f.put("responseP50", m.responseP50());
    f.put("responseP95", m.responseP95());
    f.put("responseP99", m.responseP99());
    m.meanBatchSize().ifPresent(e -> f.put("meanBatchSize", e));
    return f;
  }

  private void printTable(PrintWriter out, Setup s, QueueMetrics m, CapacityResult capacity) {
    out.println("scaleplan queue: " + s.title);
    out.println("arrival rate " + Text.number(s.rate) + " requests/s, saturation "
        + Text.number(s.saturation) + " requests/s");
    out.println();
    Text.Table t = new Text.Table("figure", "value", "method");
    t.row("utilization", Text.number(m.utilization().value()), Text.method(m.utilization(), Text::number));
    t.row("stable", m.stable() ? "yes" : "no (load at or above capacity: delays grow without bound)", "");
    t.row("P(wait)", Text.number(m.probWait().value()), Text.method(m.probWait(), Text::number));
    m.meanBatchSize().ifPresent(e -> t.row("mean batch size", Text.number(e.value()), Text.method(e, Text::number)));
    timeRow(t, "mean wait", m.meanWait());
    timeRow(t, "mean response", m.meanResponse());
    for (double p : percentilesToShow()) {
      timeRow(t, "wait p" + Text.number(p), m.waitPercentile(p));
    }
    for (double p : percentilesToShow()) {
      timeRow(t, "response p" + Text.number(p), m.responsePercentile(p));
    }
    if (capacity != null) {
      String label = "max rate, p" + Text.number(capacity.slo().percentile()) + " <= "
          + Text.seconds(capacity.slo().targetSeconds());
      t.row(label, capacity.feasible() ? Text.number(capacity.maxRatePerSecond()) + " requests/s" : "infeasible",
          capacity.method().label());
    }
    t.print(out);
    if (capacity != null && !capacity.feasible()) {
      out.println(capacity.reason());
    }
    if (!m.note().isEmpty()) {
      out.println("note: " + m.note());
    }
    if (m.method() == Method.SIMULATION) {
      out.println("simulated figures show a " + Text.number(100 * m.confidenceLevel()) + "% confidence interval");
    }
  }

  private double[] percentilesToShow() {
    return percentile == 50 || percentile == 95 || percentile == 99
        ? new double[] {50, 95, 99} : new double[] {50, 95, 99, percentile};
  }

  private static void timeRow(Text.Table t, String label, Estimate e) {
    t.row(label, Text.seconds(e.value()), Text.method(e, Text::seconds));
  }
}

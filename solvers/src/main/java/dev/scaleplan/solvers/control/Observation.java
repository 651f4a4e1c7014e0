package dev.scaleplan.solvers.control;

import java.util.List;

/**
 * What an autoscaler's controller sees at a decision, as a real one would from metrics: counts and latencies over
 * the last period, and the instances by state. Nothing about the future.
 *
 * @param nowSeconds the time of the decision
 * @param periodSeconds the time since the previous decision
 * @param arrivals requests that arrived in the period
 * @param completions requests that finished in the period
 * @param violations requests that finished late or were dropped in the period
 * @param p50Seconds median latency of the requests that finished in the period, -1 when none
 * @param p99Seconds their 99th percentile, -1 when none
 * @param queued requests waiting now (in instance queues and held for want of an instance)
 * @param inService requests running now
 * @param ready instances serving, per catalog entry
 * @param loading instances loading, per catalog entry
 * @param catalog the instance kinds the simulator can start
 * @param sloSeconds the latency target
 */
public record Observation(double nowSeconds, double periodSeconds, long arrivals, long completions, long violations,
    double p50Seconds, double p99Seconds, long queued, long inService, int[] ready, int[] loading,
    List<InstanceSpec> catalog, double sloSeconds) {

  /**
   * One instance's counters over the period, as a serving framework keeps them per replica.
   *
   * @param kind its catalog index
   * @param ready whether it serves (false: loading)
   * @param arrivals requests routed to it in the period
   * @param completions requests it finished in the period
   * @param late requests it finished late or dropped in the period
   * @param queued requests waiting in its queue now
   * @param running requests it runs now
   * @param p50Seconds its median latency over the period, -1 when it finished none
   * @param p99Seconds its 99th percentile, -1 when it finished none
   */
  public record InstanceMetrics(int kind, boolean ready, long arrivals, long completions, long late, long queued,
      long running, double p50Seconds, double p99Seconds) {
    public InstanceMetrics {
      if (kind < 0 || arrivals < 0 || completions < 0 || late < 0 || queued < 0 || running < 0) {
        throw new IllegalArgumentException("An instance's kind and counts must be at least 0; got kind " + kind
            + ", arrivals " + arrivals + ", completions " + completions + ", late " + late + ", queued " + queued
            + ", running " + running + ".");
      }
    }
  }

  /**
   * The observation of a deployment from its instances' own counters: counts add up, instances count per kind as
   * ready or loading, and the latency percentiles are the largest of the instances' (an upper bound: at most 1% of
   * each instance's requests lie above its p99, so at most 1% of all lie above the largest).
   *
   * @param held requests waiting outside any instance (an activator holding them while none serves)
   */
  public static Observation of(double nowSeconds, double periodSeconds, List<InstanceMetrics> instances, long held,
      List<InstanceSpec> catalog, double sloSeconds) {
    if (held < 0) {
      throw new IllegalArgumentException("Held requests (" + held + ") must be at least 0.");
    }
    int[] ready = new int[catalog.size()];
    int[] loading = new int[catalog.size()];
    long arrivals = 0;
    long completions = 0;
    long late = 0;
    long queued = held;
    long running = 0;
    double p50 = -1;
    double p99 = -1;
    for (InstanceMetrics m : instances) {
      if (m.kind() >= catalog.size()) {
        throw new IllegalArgumentException("An instance of kind " + m.kind() + " is not in the catalog of "
            + catalog.size() + " kinds.");
      }
      (m.ready() ? ready : loading)[m.kind()]++;
      arrivals += m.arrivals();
      completions += m.completions();
      late += m.late();
      queued += m.queued();
      running += m.running();
      p50 = Math.max(p50, m.p50Seconds());
      p99 = Math.max(p99, m.p99Seconds());
    }
    return new Observation(nowSeconds, periodSeconds, arrivals, completions, late, p50, p99, queued, running, ready,
        loading, catalog, sloSeconds);
  }

  /** The arrival rate over the period, requests per second. */
  public double arrivalRate() {
    return periodSeconds > 0 ? arrivals / periodSeconds : 0;
  }

  /** Ready instances of every kind. */
  public int readyTotal() {
    int n = 0;
    for (int r : ready) {
      n += r;
    }
    return n;
  }

  /** Ready and loading instances of every kind. */
  public int provisionedTotal() {
    int n = readyTotal();
    for (int l : loading) {
      n += l;
    }
    return n;
  }

  /** Requests in the system per ready instance ("ongoing requests", as Ray Serve and Knative count concurrency). */
  public double ongoingPerInstance() {
    int r = readyTotal();
    return r == 0 ? queued + inService : (double) (queued + inService) / r;
  }
}

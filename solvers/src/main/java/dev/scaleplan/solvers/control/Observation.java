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

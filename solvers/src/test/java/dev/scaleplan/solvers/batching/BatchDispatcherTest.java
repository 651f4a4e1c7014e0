package dev.scaleplan.solvers.batching;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Small cases worked by hand, bad input, and the queue's mechanics. Times are whole seconds and l(b) = 1 + b seconds
 * (l(1) = 2, l(2) = 3, l(3) = 4, l(4) = 5), so every value below is exact in binary floating point.
 */
class BatchDispatcherTest {
  static final BatchLatency ONE_PLUS_B = BatchLatency.affine(1, 1);
  static final double INF = Double.POSITIVE_INFINITY;

  @Test
  void waitsUntilTheLatestMomentThatAdmitsOneMoreRequest() {
    BatchDispatcher d = BatchDispatcher.deferred(ONE_PLUS_B, 4, 1);
    d.onArrival(0, 10);
    assertEquals(10 - 3, d.nextStartSeconds(), "D - l(n + 1) = 10 - l(2) = 10 - 3");
    assertEquals(0, d.poll(0.5), "at 0.5 < 7 it waits");
    d.onArrival(1, 11);
    assertEquals(10 - 4, d.nextStartSeconds(), "a second request: D - l(3) = 10 - 4 = 6");
    double[] out = new double[4];
    assertEquals(2, d.poll(6, out), "at 6: 6 <= D - l(2) = 7 and 6 >= D - l(3) = 6, so both go");
    assertArrayEquals(new double[] {10, 11}, Arrays.copyOf(out, 2));
    assertEquals(INF, d.nextStartSeconds(), "the only GPU is busy");
    assertEquals(0, d.freeGpus());
    assertEquals(1, d.launchedBatches());
    assertEquals(2, d.launchedRequests());
  }

  @Test
  void aFullBatchStartsAtOnce() {
    BatchDispatcher d = BatchDispatcher.deferred(ONE_PLUS_B, 4, 1);
    for (int i = 0; i < 4; i++) {
      d.onArrival(0, 20);
    }
    assertEquals(0, d.nextStartSeconds(), "B = 4 = max batch and 0 <= 20 - l(4) = 15: it cannot grow, start now");
    assertEquals(4, d.poll(0));
  }

  @Test
  void aRequestNoBatchCanServeIsDroppedOnArrival() {
    BatchDispatcher d = BatchDispatcher.deferred(ONE_PLUS_B, 4, 1);
    d.onArrival(0, 1.5);
    assertEquals(1, d.dropped(), "0 + l(1) = 2 > 1.5");
    assertEquals(0, d.queued());
    assertEquals(INF, d.nextStartSeconds());
    d.onArrival(0, 2);
    assertEquals(1, d.queued(), "0 + l(1) = 2 <= 2 is still in time");
  }

  @Test
  void aGpuThatFreesLateServesTheHeadWithTheLargestBatchThatStillMeetsIt() {
    BatchDispatcher deferred = busyUntil3(BatchDispatcher.deferred(ONE_PLUS_B, 4, 1));
    BatchDispatcher early = busyUntil3(BatchDispatcher.deferredEarlyDrop(ONE_PLUS_B, 4, 1));
    for (BatchDispatcher d : new BatchDispatcher[] {deferred, early}) {
      assertEquals(INF, d.nextStartSeconds(), "busy GPU");
      d.onGpuFree(3);
      assertEquals(3, d.nextStartSeconds(), "queue {6, 9, 9, 9, 9}: 3 > D - l(4) = 6 - 5 = 1, so start now");
    }
    double[] out = new double[4];
    // Deferred: the largest b with 3 <= 6 - l(b), l(b) <= 3, is b = 2.
    assertEquals(2, deferred.poll(3, out));
    assertArrayEquals(new double[] {6, 9}, Arrays.copyOf(out, 2));
    assertEquals(0, deferred.dropped());
    // Early drop: b_0 = 2 (net 2); skipping 1, the batch from d_1 = 9 fits b_1 = 4 (3 <= 9 - l(4) = 4), net 4 - 1 = 3
    // > 2, so the request due at 6 is dropped and the batch is 4.
    assertEquals(4, early.poll(3, out));
    assertArrayEquals(new double[] {9, 9, 9, 9}, out);
    assertEquals(1, early.dropped());
    assertEquals(1, early.earlyDropped());
  }

  /** One request due at 4 launches alone at 4 - l(2) = 1 and holds the GPU until 1 + l(1) = 3; then 5 arrive. */
  private static BatchDispatcher busyUntil3(BatchDispatcher d) {
    d.onArrival(0, 4);
    assertEquals(1, d.nextStartSeconds(), "4 - l(2) = 4 - 3");
    assertEquals(1, d.poll(1));
    d.onArrival(1, 6);
    for (int i = 0; i < 4; i++) {
      d.onArrival(2, 9);
    }
    return d;
  }

  @Test
  void theHeadIsDroppedWhenTheGpuFreesTooLateForIt() {
    BatchDispatcher d = BatchDispatcher.deferred(ONE_PLUS_B, 4, 1);
    d.onArrival(0, 3);
    assertEquals(1, d.poll(0), "0 >= 3 - l(2) = 0: starts at 0, GPU busy until 2");
    d.onArrival(0.5, 3);
    d.onArrival(0.5, 7);
    d.onGpuFree(2);
    assertEquals(1, d.dropped(), "2 > 3 - l(1) = 1: the request due at 3 is hopeless");
    assertEquals(7 - 3, d.nextStartSeconds(), "the one left: 7 - l(2) = 4");
  }

  @Test
  void outOfOrderDeadlinesAreServedEarliestFirst() {
    BatchDispatcher d = BatchDispatcher.deferred(ONE_PLUS_B, 4, 1);
    d.onArrival(0, 30);
    d.onArrival(0, 20);
    d.onArrival(0, 25);
    assertEquals(20, d.earliestDeadline());
    assertEquals(20 - 5, d.nextStartSeconds(), "D - l(4) = 20 - 5 = 15");
    double[] out = new double[4];
    assertEquals(3, d.poll(15, out));
    assertArrayEquals(new double[] {20, 25, 30}, Arrays.copyOf(out, 3));
  }

  @Test
  void workConservingStartsAtOnce() {
    BatchDispatcher d = BatchDispatcher.workConserving(ONE_PLUS_B, 4, 1);
    d.onArrival(0, 10);
    assertEquals(0, d.nextStartSeconds());
    assertEquals(1, d.poll(0));
    for (int i = 0; i < 6; i++) {
      d.onArrival(1, 20);
    }
    assertEquals(0, d.poll(1), "GPU busy until 0 + l(1) = 2");
    d.onGpuFree(2);
    assertEquals(4, d.poll(2), "whatever waits, up to the max batch 4");
  }

  @Test
  void severalGpusTakeOneBatchEach() {
    BatchDispatcher d = BatchDispatcher.deferred(ONE_PLUS_B, 2, 2);
    for (int i = 0; i < 5; i++) {
      d.onArrival(0, 10);
    }
    assertEquals(2, d.poll(0), "max batch 2 and 0 <= 10 - l(2) = 7");
    assertEquals(2, d.poll(0), "the second GPU");
    assertEquals(0, d.poll(0), "no GPU left");
    assertEquals(INF, d.nextStartSeconds());
    d.onGpuFree(3);
    assertEquals(10 - 3, d.nextStartSeconds(), "one left, n = 1 < 2: max(3, 10 - l(2)) = 7");
  }

  @Test
  void theRingGrowsByDoublingAndKeepsOrderAcrossTheWrap() {
    BatchDispatcher d = BatchDispatcher.of(BatchDispatcher.Rule.WORK_CONSERVING, ONE_PLUS_B, 4, 1, 4);
    double[] out = new double[4];
    d.onArrival(0, 100);
    d.onArrival(0, 101);
    d.onArrival(0, 102);
    assertEquals(3, d.poll(0, out), "moves the head to slot 3 of 4");
    d.onGpuFree(1);
    for (int i = 0; i < 10; i++) {
      d.onArrival(1, 200 - i);
    }
    assertEquals(10, d.queued());
    for (int expected = 191; expected <= 200; ) {
      int b = d.poll(d.lastEventSeconds(), out);
      for (int k = 0; k < b; k++) {
        assertEquals(expected++, out[k]);
      }
      d.onGpuFree(d.lastEventSeconds() + 10);
    }
  }

  @Test
  void theHotPathDoesNotAllocate() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (!(bean instanceof com.sun.management.ThreadMXBean sun) || !sun.isThreadAllocatedMemorySupported()) {
      return;
    }
    BatchDispatcher d = BatchDispatcher.deferredEarlyDrop(ONE_PLUS_B, 4, 1);
    double[] out = new double[4];
    long thread = Thread.currentThread().getId();
    double busyUntil = run(d, out, 0, 20_000, INF);
    long before = sun.getThreadAllocatedBytes(thread);
    run(d, out, 20_000, 200_000, busyUntil);
    long allocated = sun.getThreadAllocatedBytes(thread) - before;
    assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 180,000 requests");
    assertTrue(d.launchedBatches() > 10_000, d.toString());
  }

  /**
   * Arrivals every 0.5 s due 12 s later, one GPU, polled at every arrival, free event and start time; answers when
   * the GPU is busy until.
   */
  private static double run(BatchDispatcher d, double[] out, int from, int to, double busyUntil) {
    for (int i = from; i < to; i++) {
      double t = i * 0.5;
      double next = d.nextStartSeconds();
      if (next < t && next < busyUntil) {
        int b = d.poll(next, out);
        assertTrue(b > 0);
        busyUntil = next + d.latencySeconds(b);
      }
      if (busyUntil <= t) {
        d.onGpuFree(busyUntil);
        busyUntil = INF;
        next = d.nextStartSeconds();
        if (next < t) {
          int b = d.poll(next, out);
          assertTrue(b > 0);
          busyUntil = next + d.latencySeconds(b);
        }
      }
      d.onArrival(t, t + 12);
      int b = d.poll(t, out);
      if (b > 0) {
        busyUntil = t + d.latencySeconds(b);
      }
    }
    return busyUntil;
  }

  @Test
  void badInputNamesTheValue() {
    BatchDispatcher d = BatchDispatcher.deferred(ONE_PLUS_B, 4, 1);
    assertMessage(() -> d.onArrival(Double.NaN, 1), "arrival time (NaN s)");
    assertMessage(() -> d.onArrival(-1, 1), "arrival time (-1.0 s)");
    assertMessage(() -> d.onArrival(Double.POSITIVE_INFINITY, 1), "arrival time (Infinity s)");
    assertMessage(() -> d.onArrival(5, Double.NaN), "deadline (NaN s)");
    assertMessage(() -> d.onArrival(5, 4), "deadline (4.0 s) must be a finite time not before the arrival time (5.0");
    assertMessage(() -> d.onArrival(5, Double.POSITIVE_INFINITY), "deadline (Infinity s)");
    d.onArrival(5, 50);
    assertMessage(() -> d.onArrival(4, 50), "arrival time (4.0 s) is before the last event (5.0 s)");
    assertMessage(() -> d.poll(4.5), "poll time (4.5 s) is before the last event (5.0 s)");
    assertMessage(() -> d.onGpuFree(-0.5), "GPU-free time (-0.5 s)");
    IllegalStateException extra = assertThrows(IllegalStateException.class, () -> d.onGpuFree(6));
    assertTrue(extra.getMessage().contains("All 1 GPUs are already free"), extra.getMessage());
    assertMessage(() -> d.poll(40, new double[1]), "deadline array (1 slots) must hold the max batch (4)");

    assertMessage(() -> BatchDispatcher.deferred(ONE_PLUS_B, 0, 1), "max batch (0) must be at least 1");
    assertMessage(() -> BatchDispatcher.deferred(ONE_PLUS_B, 4, 0), "number of GPUs (0) must be at least 1");
    assertMessage(() -> BatchDispatcher.deferred(null, 4, 1), "batch latency must not be null");
    BatchLatency table = BatchLatency.tabulated(new int[] {1, 8}, new double[] {0.002, 0.004});
    assertMessage(() -> BatchDispatcher.deferred(table, 16, 1), "max batch (16) is beyond the batch latency's largest"
        + " batch (8)");
    BatchLatency dipping = BatchLatency.tabulated(new int[] {1, 2, 3}, new double[] {0.002, 0.003, 0.0025});
    assertMessage(() -> BatchDispatcher.deferred(dipping, 3, 1), "l(3) (0.0025 s) is below l(2) (0.003 s)");
    assertMessage(() -> d.latencySeconds(5), "batch size (5) must be in 1..4");
  }

  static void assertMessage(Executable call, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
  }
}

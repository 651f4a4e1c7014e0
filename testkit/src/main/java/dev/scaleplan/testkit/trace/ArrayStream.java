package dev.scaleplan.testkit.trace;

import java.util.List;

/** Requests held in arrays (already in arrival order), for formats that must be read whole before the first. */
final class ArrayStream implements ArrivalStream {
  private final double[] seconds;
  private final int[] keys;
  private final List<String> names;
  private final double[] durations;
  private final long skipped;
  private int at = -1;

  ArrayStream(double[] seconds, int[] keys, List<String> names, double[] durations, long skipped) {
    this.seconds = seconds;
    this.keys = keys;
    this.names = names;
    this.durations = durations;
    this.skipped = skipped;
  }

  @Override
  public boolean advance() {
    if (at + 1 >= seconds.length) {
      at = seconds.length;
      return false;
    }
    at++;
    return true;
  }

  @Override
  public double seconds() {
    return seconds[at];
  }

  @Override
  public String key() {
    return names.get(keys[at]);
  }

  @Override
  public double durationSeconds() {
    return durations == null ? -1 : durations[at];
  }

  @Override
  public long skipped() {
    return skipped;
  }
}

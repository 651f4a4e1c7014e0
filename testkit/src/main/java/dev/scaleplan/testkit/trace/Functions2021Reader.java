package dev.scaleplan.testkit.trace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Azure Functions invocation trace 2021 (Zhang et al., "Faster and Cheaper Serverless Computing on Harvested
 * Resources", SOSP 2021; Azure Public Dataset, CC-BY 4.0): {@code app,func,end_timestamp,duration} per invocation,
 * in seconds from the trace's start. An invocation arrives at {@code end_timestamp - duration}; the file is ordered by
 * neither in general, so it is read whole (about 20 bytes per invocation, keys shared) and sorted by arrival (ties
 * keep file order). The key is {@code app/func}; times are relative to the first arrival.
 */
final class Functions2021Reader {
  static final String HEADER = "app,func,end_timestamp,duration";

  private Functions2021Reader() {}

  static ArrivalStream read(Lines lines, boolean skipMalformed) {
    try (lines) {
      String header = lines.next();
      if (header == null || !header.strip().equalsIgnoreCase(HEADER)) {
        throw lines.error("expected the header '" + HEADER + "' of the Azure Functions 2021 trace, found "
            + (header == null ? "an empty file" : Lines.quote(header)) + ".");
      }
      Map<String, Integer> ids = new HashMap<>();
      List<String> names = new ArrayList<>();
      double[] arrival = new double[1024];
      double[] duration = new double[1024];
      int[] key = new int[1024];
      int n = 0;
      long skipped = 0;
      for (String line = lines.next(); line != null; line = lines.next()) {
        if (line.isBlank()) {
          continue;
        }
        try {
          String[] f = line.split(",", -1);
          if (f.length != 4) {
            throw lines.error("expected 4 comma-separated fields (" + HEADER + "), found " + f.length + " in "
                + Lines.quote(line) + ".");
          }
          double end = Lines.number(lines, "end_timestamp", f[2]);
          double d = Lines.number(lines, "duration", f[3]);
          if (d < 0 || end < 0) {
            throw lines.error("the end_timestamp (" + end + ") and duration (" + d + ") must be at least 0.");
          }
          if (f[0].isBlank() || f[1].isBlank()) {
            throw lines.error("the app and func must not be blank.");
          }
          if (n == arrival.length) {
            arrival = java.util.Arrays.copyOf(arrival, 2 * n);
            duration = java.util.Arrays.copyOf(duration, 2 * n);
            key = java.util.Arrays.copyOf(key, 2 * n);
          }
          String name = f[0].strip() + "/" + f[1].strip();
          Integer id = ids.get(name);
          if (id == null) {
            id = names.size();
            ids.put(name, id);
            names.add(name);
          }
          arrival[n] = Math.max(0, end - d);  // a rounded duration may exceed its end by a microsecond
          duration[n] = d;
          key[n] = id;
          n++;
        } catch (TraceFormatException e) {
          if (!skipMalformed) {
            throw e;
          }
          skipped++;
        }
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      double[] a = arrival;
      java.util.Arrays.sort(order, (x, y) -> Double.compare(a[x], a[y]));
      double[] seconds = new double[n];
      double[] durations = new double[n];
      int[] keys = new int[n];
      double origin = n == 0 ? 0 : a[order[0]];
      for (int i = 0; i < n; i++) {
        seconds[i] = a[order[i]] - origin;
        durations[i] = duration[order[i]];
        keys[i] = key[order[i]];
      }
      return new ArrayStream(seconds, keys, names, durations, skipped);
    }
  }
}

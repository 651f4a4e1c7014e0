package dev.scaleplan.testkit.trace;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** The lines of a text file, plain or gzip (recognised by its magic bytes), with their numbers. */
final class Lines implements AutoCloseable {
  private final BufferedReader reader;
  private final String name;
  private long number;

  private Lines(BufferedReader reader, String name) {
    this.reader = reader;
    this.name = name;
  }

  static Lines open(Path file) throws IOException {
    return open(Files.newInputStream(file), file.toString());
  }

  static Lines open(InputStream raw, String name) throws IOException {
    InputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new Lines(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16), name);
  }

  /** The next line without its terminator, or null at the end. */
  String next() {
    try {
      String line = reader.readLine();
      if (line != null) {
        number++;
        if (number == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
          line = line.substring(1);  // a UTF-8 byte-order mark
        }
      }
      return line;
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      throw new TraceFormatException(name, number + 1, "the gzip data is corrupt or cut short (" + e.getMessage()
          + ").");
    } catch (IOException e) {
      throw new UncheckedIOException("Reading " + name + " after line " + number + ": " + e.getMessage(), e);
    }
  }

  /** The number of the line last returned, from 1. */
  long number() {
    return number;
  }

  String name() {
    return name;
  }

  TraceFormatException error(String message) {
    return new TraceFormatException(name, number, message);
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code text} shortened for a message. */
  static String quote(String text) {
    return "'" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'";
  }

  /** A non-negative whole number, or an error naming the column. */
  static long count(Lines lines, String column, String text) {
    try {
      long v = Long.parseLong(text.strip());
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw lines.error("the " + column + " (" + quote(text) + ") must be a whole number at least 0.");
  }

  /** A finite number, or an error naming the column. */
  static double number(Lines lines, String column, String text) {
    try {
      double v = Double.parseDouble(text.strip());
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw lines.error("the " + column + " (" + quote(text) + ") must be a finite number.");
  }
}

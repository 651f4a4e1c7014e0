package dev.scaleplan.testkit.trace;

/** A malformed trace line: the message names the file, the line number, what was found and what was expected. */
public final class TraceFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;

  TraceFormatException(String file, long line, String message) {
    super(file + ", line " + line + ": " + message);
    this.file = file;
    this.line = line;
  }

  /** The file's name as given. */
  public String file() {
    return file;
  }

  /** The line, from 1. */
  public long line() {
    return line;
  }
}

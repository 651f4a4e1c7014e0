package dev.scaleplan.profiler.io;

/**
 * Malformed profile input, with the file, line (1-based) and column (1-based, 0 when the whole line is at fault) where
 * reading stopped.
 */
public final class ProfileFormatException extends IllegalArgumentException {
  private final String file;
  private final int line;
  private final int column;

  public ProfileFormatException(String file, int line, int column, String message) {
    super(file + (line > 0 ? " line " + line : "") + (column > 0 ? ", column " + column : "") + ": " + message);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}

package dev.scaleplan.profiler.io;

/**
 * Malformed profile input, with the file, line (1-based) and column (1-based, 0 when the whole line is at fault) where
 * reading stopped.
 */
public final class ProfileFormatException extends IllegalArgumentException {
  private final String file;
  private final int line;
  private final int column;
  private final String detail;
  /** For JSON content errors found on the parsed tree: the JSON Pointer of the value, located afterwards. */
  final String pointer;

  public ProfileFormatException(String file, int line, int column, String message) {
    this(file, line, column, message, null);
  }

  ProfileFormatException(String file, int line, int column, String message, String pointer) {
    super(file + (line > 0 ? " line " + line : "") + (column > 0 ? ", column " + column : "") + ": " + message);
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = message;
    this.pointer = pointer;
  }

  /** The message without the file, line and column. */
  public String detail() {
    return detail;
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

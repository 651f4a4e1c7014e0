package dev.scaleplan.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code scaleplan} command: a front end for capacity analysts over the library. Each capability is a
 * subcommand; each prints a small table by default and one JSON object with {@code --json}.
 *
 * <p>Exit status: 0 on success, 2 on bad arguments (one line on stderr), 1 on an unexpected internal error.
 */
@Command(
    name = "scaleplan",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Autoscaling policies for GPU model-inference serving: queueing delays, capacity under an SLO, "
        + "latency profiles.",
    subcommands = {PlanCommand.class, LoadCommand.class, OffloadCommand.class, PlaceCommand.class, SimulateCommand.class, QueueCommand.class, ProfileCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given output streams and returns the exit status (for tests and embedding). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler((ex, a) -> {
      String where = ex.getCommandLine().getCommandName();
      err.println("scaleplan" + ("scaleplan".equals(where) ? "" : " " + where) + ": " + oneLine(ex.getMessage())
          + " (see --help)");
      return CommandLine.ExitCode.USAGE;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException) {
        err.println("scaleplan " + commandLine.getCommandName() + ": " + oneLine(ex.getMessage()));
        return CommandLine.ExitCode.USAGE;
      }
      err.println("scaleplan " + commandLine.getCommandName() + ": internal error: " + ex);
      return CommandLine.ExitCode.SOFTWARE;
    });
    try {
      return cli.execute(args);
    } catch (OutOfMemoryError e) {
      err.println("scaleplan: out of memory: the problem is too large for this JVM's heap (raise it with"
          + " SCALEPLAN_JAVA_OPTS=-Xmx...).");
      return CommandLine.ExitCode.SOFTWARE;
    }
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String oneLine(String message) {
    return message == null ? "" : message.replace('\n', ' ').trim();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"scaleplan " + (v == null ? "(development build)" : v)};
    }
  }
}

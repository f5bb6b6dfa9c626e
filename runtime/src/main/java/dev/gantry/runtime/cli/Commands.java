package dev.gantry.runtime.cli;

import picocli.CommandLine;

/** How Gantry's commands turn bad input into exit code 2 and one clear line, never a trace. */
public final class Commands {
  /**
   * Where a kubeconfig flag's default comes from: fabric8's {@code Config.autoConfigure} reads the
   * kubeconfig files first and only without one falls back to the pod's service account.
   */
  public static final String AUTO_KUBECONFIG = "$KUBECONFIG or ~/.kube/config, else in-cluster";

  private Commands() {}

  /**
   * Runs {@code commandLine}: a flag picocli cannot parse, or an {@link IllegalArgumentException}
   * from the command (a value that parses but makes no sense), prints {@code error: <reason>} to
   * the command's error stream and returns 2.
   */
  public static int execute(CommandLine commandLine, String... args) {
    return commandLine
        .setParameterExceptionHandler(
            (ex, a) -> {
              ex.getCommandLine().getErr().println("error: " + ex.getMessage());
              ex.getCommandLine().getErr().println("see --help");
              return 2;
            })
        .setExecutionExceptionHandler(
            (ex, cmd, parsed) -> {
              if (ex instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return 2;
              }
              throw ex;
            })
        .execute(args);
  }
}

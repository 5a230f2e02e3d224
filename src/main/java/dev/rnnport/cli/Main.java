package dev.rnnport.cli;

import dev.rnnport.Networks;
import dev.rnnport.RnnportException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rnnport}: inspect, run and convert recurrent networks. Exit codes: 0 ok, 1 parity failure,
 * 2 usage error, 3 unreadable, unsupported or unsafe input. Errors are one line on stderr.
 */
@Command(name = "rnnport", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Moves LSTM/GRU/RNN networks between PyTorch, ONNX and Keras and runs them natively.",
        subcommands = {InspectCommand.class, RunCommand.class, ConvertCommand.class, VerifyCommand.class, BenchCommand.class})
public final class Main {
    public static final int OK = 0;
    public static final int PARITY_FAILURE = 1;
    public static final int USAGE = 2;
    public static final int BAD_INPUT = 3;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code; the entry point tests use too. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs one command line with its standard output and error going to the given writers. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> report(line, ex));
        cmd.setParameterExceptionHandler((ex, args2) -> {
            ex.getCommandLine().getErr().println("rnnport: " + ex.getMessage());
            return USAGE;
        });
        return cmd.execute(args);
    }

    private static int report(CommandLine line, Exception ex) {
        String message;
        int code;
        if (ex instanceof RnnportException r) {
            message = r.getMessage();
            code = exitCode(r.kind());
        } else if (ex instanceof IllegalArgumentException) {
            message = ex.getMessage();
            code = USAGE;
        } else if (ex instanceof UncheckedIOException u) {
            message = Networks.describe(u.getCause());
            code = BAD_INPUT;
        } else if (ex instanceof IOException io) {
            message = Networks.describe(io);
            code = BAD_INPUT;
        } else {
            // A failure we did not foresee is still one line, but says it is ours, not the user's.
            message = "internal error: " + ex;
            code = BAD_INPUT;
        }
        line.getErr().println("rnnport: " + firstLine(message));
        return code;
    }

    /** The one place a kind of failure becomes an exit code. */
    static int exitCode(RnnportException.Kind kind) {
        return switch (kind) {
            case USAGE -> USAGE;
            case PARITY -> PARITY_FAILURE;
            case MALFORMED, UNSUPPORTED, UNSAFE, IO -> BAD_INPUT;
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rnnport " + (v == null ? "dev" : v)};
        }
    }
}

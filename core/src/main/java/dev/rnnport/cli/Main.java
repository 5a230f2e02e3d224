package dev.rnnport.cli;

import dev.rnnport.Networks;
import dev.rnnport.RnnportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code rnnport}: inspect, run and convert recurrent networks. Exit codes: 0 ok, 1 parity failure,
 * 2 usage error, 3 unreadable, unsupported or unsafe input. Errors are one line on stderr.
 */
@Command(name = "rnnport", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Moves LSTM/GRU/RNN networks between PyTorch, ONNX and Keras and runs them natively.",
        footer = {"", "Exit codes: 0 ok, 1 parity failure, 2 usage error (the command line is wrong),",
                "3 bad input (a file is missing, unreadable, malformed, unsupported or unsafe).",
                "'rnnport help COMMAND' or 'rnnport COMMAND --help' shows a command's options and an example."})
public final class Main {
    public static final int OK = 0;
    public static final int PARITY_FAILURE = 1;
    public static final int USAGE = 2;
    public static final int BAD_INPUT = 3;

    /**
     * The subcommands, in the order help lists them. Not in the {@code @Command} annotation: picocli
     * reads every option of every listed command when the command line is made, which is a good
     * part of a short command's start-up; {@link #commandLine} adds only the command asked for.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(InspectCommand.class, RunCommand.class, ConvertCommand.class,
            VerifyCommand.class, BenchCommand.class, CommandLine.HelpCommand.class);

    /** Accepted anywhere on the line; read from the arguments themselves, before parsing can fail. */
    @Option(names = "--debug", hidden = true, scope = ScopeType.INHERIT,
            description = "On a failure, print its stack trace after the one-line message.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code; the entry point tests use too. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs one command line with its standard output and error going to the given writers. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        boolean debug = wantsDebug(args);
        CommandLine cmd = commandLine(args);
        // Every command answers -h and --help, whoever adds it.
        for (CommandLine sub : cmd.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand) && spec.findOption("--help") == null) {
                spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
        }
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setExecutionExceptionHandler((ex, line, parsed) -> report(line, ex, debug));
        cmd.setParameterExceptionHandler((ex, args2) -> usageError(ex, debug));
        return cmd.execute(args);
    }

    /**
     * The command line for {@code args}: with only the subcommand they name when they name one
     * (its help and errors are the same), else with every subcommand (the overall help, the help
     * command, a misspelt command's suggestions). {@code commandLine()} has them all.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        Class<?> named = namedSubcommand(args);
        for (Class<?> c : SUBCOMMANDS) {
            if (named == null || c == named) {
                cmd.addSubcommand(c);
            }
        }
        return cmd;
    }

    /** The subcommand the first word that is not an option names (Main's own options take no values), but not help. */
    private static Class<?> namedSubcommand(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return null;
            }
            if (!a.startsWith("-")) {
                for (Class<?> c : SUBCOMMANDS) {
                    Command command = c.getAnnotation(Command.class);
                    if (c != CommandLine.HelpCommand.class && (command.name().equals(a) || Arrays.asList(command.aliases()).contains(a))) {
                        return c;
                    }
                }
                return null;
            }
        }
        return null;
    }

    private static boolean wantsDebug(String[] args) {
        List<String> list = Arrays.asList(args);
        int end = list.indexOf("--");
        return (end < 0 ? list : list.subList(0, end)).contains("--debug");
    }

    /** A command line picocli could not parse: one line, and where to find the command's help. */
    private static int usageError(CommandLine.ParameterException ex, boolean debug) {
        CommandLine line = ex.getCommandLine();
        PrintWriter err = line.getErr();
        if (line.getCommand() instanceof Main && String.valueOf(ex.getMessage()).startsWith("Missing required subcommand")) {
            // Nothing to do was asked: show what can be done.
            line.usage(err);
            return USAGE;
        }
        String name = line.getCommandSpec().qualifiedName();
        err.println("rnnport: " + firstLine(ex.getMessage()) + " (see '" + name + " --help')");
        if (debug) {
            ex.printStackTrace(err);
        }
        return USAGE;
    }

    private static int report(CommandLine line, Exception ex, boolean debug) {
        String message;
        int code;
        if (ex instanceof RnnportException r) {
            message = r.getMessage();
            code = exitCode(r.kind());
        } else if (ex instanceof UncheckedIOException u) {
            message = Networks.describe(u.getCause());
            code = BAD_INPUT;
        } else if (ex instanceof IOException io) {
            message = Networks.describe(io);
            code = BAD_INPUT;
        } else {
            // A failure we did not foresee is still one line, but says it is ours, not the user's.
            message = "internal error: " + ex + (debug ? "" : " (--debug prints its stack trace)");
            code = BAD_INPUT;
        }
        line.getErr().println("rnnport: " + firstLine(message));
        if (debug) {
            ex.printStackTrace(line.getErr());
        }
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

    /** The project's version, from a resource Maven fills in (so it is right in tests too), else the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        static final String RESOURCE = "/dev/rnnport/version.properties";

        @Override
        public String[] getVersion() {
            return new String[] {"rnnport " + version()};
        }

        static String version() {
            try (InputStream in = Main.class.getResourceAsStream(RESOURCE)) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null && !v.isBlank() && !v.startsWith("${")) {
                        return v.strip();
                    }
                }
            } catch (IOException e) {
                // Fall back to the manifest.
            }
            String v = Main.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}

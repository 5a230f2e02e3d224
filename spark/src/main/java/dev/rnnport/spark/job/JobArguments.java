package dev.rnnport.spark.job;

import dev.rnnport.UsageException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code score MODEL --input PATH --output PATH [options]}, parsed. Every option takes a value
 * except {@code --overwrite}; a wrong command line is one {@link UsageException} line.
 *
 * @param model   the model file
 * @param input   Parquet to read
 * @param output  Parquet folder to write
 * @param options the other options by name without dashes ({@code input-col} to its value)
 */
record JobArguments(String model, String input, String output, Map<String, String> options) {
    static final String USAGE = "score MODEL --input PATH --output PATH [--input-col C] [--lengths-col C]"
            + " [--key-col C] [--error-col C] [--network NAME] [--batch-size N] [--precision float32|float64]"
            + " [--batch-strategy padded|equal-length] [--overwrite]";
    private static final Set<String> VALUED = Set.of("input", "output", "input-col", "lengths-col", "key-col",
            "error-col", "network", "batch-size", "precision", "batch-strategy");
    private static final Set<String> FLAGS = Set.of("overwrite");

    static JobArguments parse(String[] args) {
        List<String> a = List.of(args);
        if (a.isEmpty() || !a.get(0).equals("score")) {
            throw new UsageException(a.isEmpty() ? "no command; usage: " + USAGE
                    : "unknown command '" + a.get(0) + "'; usage: " + USAGE);
        }
        String model = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < a.size(); i++) {
            String arg = a.get(i);
            if (!arg.startsWith("--")) {
                if (model != null) {
                    throw new UsageException("unexpected argument '" + arg + "' after the model " + model);
                }
                model = arg;
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (FLAGS.contains(name) && value == null) {
                options.put(name, "true");
            } else if (VALUED.contains(name)) {
                if (value == null) {
                    if (i + 1 >= a.size() || a.get(i + 1).startsWith("--")) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = a.get(++i);
                }
                options.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name + "; usage: " + USAGE);
            }
        }
        if (model == null) {
            throw new UsageException("no model file given; usage: " + USAGE);
        }
        String input = options.remove("input");
        String output = options.remove("output");
        if (input == null || output == null) {
            throw new UsageException("--input and --output are required; usage: " + USAGE);
        }
        if (options.containsKey("batch-size")) {
            batchSize(options.get("batch-size"));
        }
        return new JobArguments(model, input, output, Map.copyOf(options));
    }

    String option(String name) {
        return options.get(name);
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    static int batchSize(String s) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--batch-size must be a whole number of at least 1, found '" + s + "'");
    }
}

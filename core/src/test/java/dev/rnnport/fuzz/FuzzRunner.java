package dev.rnnport.fuzz;

import dev.rnnport.ModelException;
import dev.rnnport.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one input through a reader and judges the outcome. Allowed: the reader returns, or it
 * refuses with rnnport's own {@link ModelException} or {@link UsageException} whose message is
 * one line. Anything else is a finding: another exception, an Error (OutOfMemoryError,
 * StackOverflowError), a multi-line message, or taking longer than the per-input time bound.
 */
final class FuzzRunner implements AutoCloseable {
    /** What went wrong for one input. {@code kind} groups findings with the same cause. */
    record Finding(String target, String kind, String message, byte[] input) {
    }

    private final Path work;
    private final Duration perInput;
    private ExecutorService worker = newWorker();
    private long counter;

    FuzzRunner(Path work, Duration perInput) {
        this.work = work;
        this.perInput = perInput;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code input}; null if the outcome is allowed. {@code refusal} receives the refusal
     * message, if any, so the caller can tell new error paths from known ones.
     */
    Finding run(FuzzTarget target, byte[] input, java.util.function.Consumer<String> refusal) throws IOException {
        Path file = work.resolve("input-" + (counter++) + "." + target.extension());
        Files.write(file, input);
        try {
            Future<?> f = worker.submit(() -> {
                target.reader().read(file);
                return null;
            });
            try {
                f.get(perInput.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            } catch (TimeoutException e) {
                f.cancel(true);
                worker.shutdownNow();
                worker = newWorker(); // the stuck thread is abandoned; it is a daemon
                return new Finding(target.name(), "timeout", "no outcome within " + perInput.toMillis() + " ms", input);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if ((c instanceof ModelException || c instanceof UsageException) && c.getMessage() != null
                        && !c.getMessage().isBlank() && !c.getMessage().contains("\n")) {
                    refusal.accept(c.getMessage().replace(file.toString(), "FILE"));
                    return null;
                }
                return new Finding(target.name(), kind(c), describe(c), input);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The exception class and the first frame in rnnport's own code: one cause, one kind. */
    private static String kind(Throwable c) {
        String where = "";
        for (StackTraceElement s : c.getStackTrace()) {
            if (s.getClassName().startsWith("dev.rnnport.") && !s.getClassName().startsWith("dev.rnnport.fuzz.")) {
                where = " at " + s.getClassName().replaceFirst("^dev\\.rnnport\\.", "") + "." + s.getMethodName()
                        + ":" + s.getLineNumber();
                break;
            }
        }
        String multi = (c instanceof ModelException || c instanceof UsageException) ? " (multi-line message)" : "";
        return c.getClass().getName() + multi + where;
    }

    private static String describe(Throwable c) {
        String m = String.valueOf(c.getMessage());
        return (m.length() > 300 ? m.substring(0, 300) + "..." : m).replace('\n', '|');
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}

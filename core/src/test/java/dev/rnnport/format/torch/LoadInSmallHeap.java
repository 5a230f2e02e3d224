package dev.rnnport.format.torch;

import dev.rnnport.ModelException;
import dev.rnnport.Networks;
import dev.rnnport.format.LoadOptions;
import java.nio.file.Path;

/**
 * Loads one file and reports how it ended, for running in a child JVM with a small heap: exit 0
 * if it loaded, 3 with the message on stdout for a ModelException, 42 for OutOfMemoryError,
 * 43 for StackOverflowError, 44 for anything else.
 */
public final class LoadInSmallHeap {
    private LoadInSmallHeap() {
    }

    public static void main(String[] args) {
        int code;
        try {
            Networks.loadAll(Path.of(args[0]), LoadOptions.DEFAULTS);
            System.out.println("loaded");
            code = 0;
        } catch (ModelException e) {
            System.out.println(e.getMessage());
            code = 3;
        } catch (OutOfMemoryError e) {
            System.out.println("OutOfMemoryError");
            code = 42;
        } catch (StackOverflowError e) {
            System.out.println("StackOverflowError");
            code = 43;
        } catch (Throwable t) {
            System.out.println(t);
            code = 44;
        }
        System.out.flush();
        Runtime.getRuntime().halt(code);
    }
}

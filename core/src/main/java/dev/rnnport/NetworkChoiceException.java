package dev.rnnport;

import java.nio.file.Path;
import java.util.List;

/**
 * A file holds several networks and none was chosen, or none has the name asked for. The message
 * says how a library caller chooses ({@code LoadOptions.network}); a front end with its own way of
 * choosing (the command line's {@code --network}) rephrases it with {@link #message(String)}.
 * Kind {@link Kind#USAGE}.
 */
public class NetworkChoiceException extends UsageException {
    private final transient Path file;
    private final List<String> found;
    private final String requested;

    /**
     * @param file      the file read
     * @param found     the names of the networks in it, in the file's order
     * @param requested the name asked for, or null when none was and the file holds several
     */
    public NetworkChoiceException(Path file, List<String> found, String requested) {
        super(describe(file, found, requested, "LoadOptions.network"));
        this.file = file;
        this.found = List.copyOf(found);
        this.requested = requested;
    }

    /** @return the names of the networks in the file, in the file's order ({@code ""} for an unnamed one) */
    public List<String> found() {
        return found;
    }

    /** @return the name asked for, or null when none was */
    public String requested() {
        return requested;
    }

    /**
     * The same message with another way of choosing.
     *
     * @param howToChoose what the user sets to choose, as the user knows it: {@code --network}
     * @return the one-line message
     */
    public String message(String howToChoose) {
        return describe(file, found, requested, howToChoose);
    }

    private static String describe(Path file, List<String> found, String requested, String howToChoose) {
        String names = String.join(", ", found.stream().map(n -> n.isEmpty() ? "''" : n).toList());
        if (requested != null) {
            return file + ": no network named '" + requested + "' (found: " + names + "); choose one with " + howToChoose;
        }
        return file + " holds " + found.size() + " networks (" + names + "); choose one with " + howToChoose;
    }
}

package dev.relay.runner.spec;

/**
 * The local paths and URIs a launcher chose for one execution; {@link Resolver} asks it only for
 * the inputs and outputs that the command actually uses, and at most once per name.
 */
public interface PathProvider {
    /** The local file where the launcher will place input {@code input} (for {@code inputPath}). */
    String inputPath(String input);

    /** The local path where the program writes output {@code output} (for {@code outputPath}). */
    String outputPath(String output);

    /** The URI of input {@code input}'s artifact (for {@code inputUri}). */
    String inputUri(String input);

    /** The URI where output {@code output}'s artifact goes (for {@code outputUri}). */
    String outputUri(String output);
}

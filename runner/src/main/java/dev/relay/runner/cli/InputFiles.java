package dev.relay.runner.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The check of a FILE argument a command reads ({@code relay run}, {@code pipeline upload}, {@code upload}). */
final class InputFiles {
    private InputFiles() {
    }

    /**
     * @return null when {@code file} is a regular file, else what it is instead, to follow
     *     {@code "FILE: "}: {@code is a directory, not a file}, {@code no such file} or
     *     {@code not a regular file}
     */
    static String problem(Path file) {
        if (Files.isRegularFile(file)) {
            return null;
        }
        if (Files.isDirectory(file)) {
            return "is a directory, not a file";
        }
        return Files.exists(file) ? "not a regular file" : "no such file";
    }
}

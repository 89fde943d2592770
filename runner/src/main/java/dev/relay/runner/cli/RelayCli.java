package dev.relay.runner.cli;

/** Entry point of the {@code relay} command line. */
public final class RelayCli {
    private RelayCli() {}

    public static void main(String[] args) {
        System.out.println("relay");
    }
}

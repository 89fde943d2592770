package dev.relay.runner.model.cel;

/** A CEL expression that cannot be parsed or evaluated; the message quotes it and says where. */
public class CelException extends Exception {
    public CelException(String message) {
        super(message);
    }
}

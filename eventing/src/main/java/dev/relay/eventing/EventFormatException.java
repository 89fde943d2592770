package dev.relay.eventing;

/**
 * An event or notification payload that Relay cannot read: not JSON, an unsupported envelope
 * (for example Argo Events' {@code {"notification":[...],"metadata":...}}), or a record missing a
 * required field. Unchecked, so parsers can be used in streams; the message says what was wrong
 * and quotes the start of the offending input.
 */
public class EventFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, e.g. {@code unsupported envelope: top-level fields [notification, metadata]} */
    public EventFormatException(String message) {
        super(message);
    }

    /** @param message what was wrong; @param cause the parser's exception */
    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

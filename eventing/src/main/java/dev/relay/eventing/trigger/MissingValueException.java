package dev.relay.eventing.trigger;

/**
 * A template named a value the event does not have (docs/contracts.md: an error for that event, never
 * an empty string). Over HTTP this is a 422 naming {@link #field()}.
 */
public final class MissingValueException extends Exception {
    private final String field;

    public MissingValueException(String field, String parameter) {
        super("parameter '" + parameter + "': the event has no value for '" + field + "'");
        this.field = field;
    }

    /** @return the missing variable, e.g. {@code data.model} */
    public String field() {
        return field;
    }
}

package dev.relay.eventing.trigger;

import java.util.List;

/** A trigger file that does not fit: one {@code FILE:LINE:COL: message} line per error (1-based). */
public final class TriggerException extends Exception {
    private final List<String> errors;

    public TriggerException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    /** @return each error as {@code FILE:LINE:COL: message} */
    public List<String> errors() {
        return errors;
    }
}

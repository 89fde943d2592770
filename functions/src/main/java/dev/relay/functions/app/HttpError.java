package dev.relay.functions.app;

import java.util.List;

/**
 * A request Relay answers with an error status and a message, never a stack trace:
 * {@code {"error": message, "field": field, "errors": [...]}}.
 */
public final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String field;
    private final List<String> details;

    /** @param status the HTTP status; @param message what was wrong, naming the field or type */
    public HttpError(int status, String message) {
        this(status, null, message, List.of());
    }

    /**
     * @param field   the request field at fault, or null
     * @param details further messages (e.g. every spec error), may be empty
     */
    public HttpError(int status, String field, String message, List<String> details) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.details = List.copyOf(details);
    }

    /** 400: the request cannot be read. */
    public static HttpError badRequest(String message) {
        return new HttpError(400, message);
    }

    /** 422: readable but invalid; {@code field} names what is wrong. */
    public static HttpError invalid(String field, String message) {
        return new HttpError(422, field, message, List.of());
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the field at fault, or null */
    public String field() {
        return field;
    }

    /** @return further messages */
    public List<String> details() {
        return details;
    }
}

package dev.relay.functions.kfp;

/**
 * An error answered in KFP's JSON shape: v2beta1 {@code {"code", "message", "details"}} (googlerpc
 * Status), v1beta1 {@code {"error_message", "error_details", "code"}}; {@code code} is the gRPC code.
 */
public final class KfpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** gRPC codes as grpc-gateway maps them to HTTP. */
    public static final int INVALID_ARGUMENT = 3;
    public static final int NOT_FOUND = 5;
    public static final int ALREADY_EXISTS = 6;
    public static final int FAILED_PRECONDITION = 9;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    private final int status;
    private final int code;

    /** @param message names the field at fault and what was expected */
    public KfpException(int status, int code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** 400 INVALID_ARGUMENT. */
    public static KfpException invalid(String message) {
        return new KfpException(400, INVALID_ARGUMENT, message);
    }

    /** 404 NOT_FOUND. */
    public static KfpException notFound(String message) {
        return new KfpException(404, NOT_FOUND, message);
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the gRPC code */
    public int code() {
        return code;
    }
}

package dev.relay.runner.model;

/** A pipeline that cannot become a {@link PipelineModel}; the message names the file, field or task. */
public class ModelException extends Exception {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}

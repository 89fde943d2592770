/**
 * Limits on everything Relay parses from outside: YAML ({@link dev.relay.eventing.input.SafeYaml}),
 * JSON ({@link dev.relay.eventing.input.SafeJson}) and the files they come from
 * ({@link dev.relay.eventing.input.SafeFiles}); the figures are in
 * {@link dev.relay.eventing.input.InputLimits}.
 */
package dev.relay.eventing.input;

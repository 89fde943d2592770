package dev.relay.eventing;

import java.util.regex.Pattern;

/**
 * The DNS-1123 label rule of Kubernetes ({@code IsDNS1123Label}): {@code [a-z0-9]}, {@code -} inside,
 * at most 63 characters. One check for every name that must be a label: run ids, trigger names,
 * namespaces, task keys. (Turning any text into a label is {@code dev.relay.runner.spec.Names}.)
 */
public final class Dns1123 {
    /** The label pattern. */
    public static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private Dns1123() {}

    /** @return whether {@code s} is a DNS-1123 label; false for null */
    public static boolean isLabel(String s) {
        return s != null && LABEL.matcher(s).matches();
    }
}

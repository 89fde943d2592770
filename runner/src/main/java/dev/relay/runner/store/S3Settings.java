package dev.relay.runner.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks of an S3 connection's settings that need no network, so that a bad setting is refused
 * when a process starts rather than at its first store call ({@link MinioArtifactStore#connect}
 * would refuse the same values then). Plain {@code java.net} only: no S3 client class is loaded.
 *
 * <ul>
 *   <li>endpoint: an absolute {@code http} or {@code https} URL with a host, an optional port
 *       (1–65535) and no user info, path (but {@code /}), query or fragment, as the MinIO SDK's
 *       {@code HttpUtils.getBaseUrl} takes one (e.g. {@code http://minio.kubeflow:9000});</li>
 *   <li>bucket: the S3 naming rules the MinIO SDK enforces ({@code BucketArgs}, after
 *       https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 3–63
 *       characters of {@code a-z 0-9 . -}, beginning and ending with a letter or digit, no
 *       {@code ..}, {@code .-} or {@code -.}, not an IPv4 address.</li>
 * </ul>
 */
public final class S3Settings {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

    private S3Settings() {}

    /** What an endpoint should be, for messages. */
    public static final String ENDPOINT_EXPECTED =
            "an http:// or https:// URL with a host and at most a port, e.g. http://minio.kubeflow:9000";

    /** What a bucket name should be, for messages. */
    public static final String BUCKET_EXPECTED = "an S3 bucket name: 3-63 characters of a-z, 0-9, '.' and '-',"
            + " beginning and ending with a letter or digit, no '..', '.-' or '-.', not an IP address";

    /**
     * @param endpoint the configured endpoint, not null
     * @return what is wrong with it (e.g. {@code "no scheme"}), empty when it is a usable endpoint
     */
    public static Optional<String> endpointProblem(String endpoint) {
        String e = endpoint.trim();
        if (e.isEmpty()) {
            return Optional.of("empty");
        }
        URI u;
        try {
            u = new URI(e);
        } catch (URISyntaxException ex) {
            return Optional.of("not a URL (" + ex.getReason() + " at index " + ex.getIndex() + ")");
        }
        if (u.getScheme() == null) {
            return Optional.of("no scheme");
        }
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            // "minio:9000" parses as scheme "minio": say what it looks like
            return Optional.of(u.isOpaque() ? "no scheme (or scheme '" + u.getScheme() + "')"
                    : "scheme '" + u.getScheme() + "'");
        }
        if (u.isOpaque() || u.getRawAuthority() == null) {
            return Optional.of("no host");
        }
        if (u.getRawUserInfo() != null) {
            return Optional.of("user info in the URL (the keys have settings of their own)");
        }
        Optional<String> authority = authorityProblem(u.getRawAuthority());
        if (authority.isPresent()) {
            return authority;
        }
        if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
            return Optional.of("a path (" + u.getRawPath() + ")");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            return Optional.of("a query or fragment");
        }
        return Optional.empty();
    }

    /** {@code host[:port]}: a DNS name (underscores allowed, as HTTP clients do), an IPv4 or a bracketed IPv6 address. */
    private static Optional<String> authorityProblem(String authority) {
        String host;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return Optional.of("an unclosed '[' in '" + authority + "'");
            }
            host = authority.substring(0, close + 1);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.of("no valid host[:port] in '" + authority + "'");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
            if (!HOST.matcher(host).matches()) {
                return Optional.of(host.isEmpty() ? "no host" : "no valid host in '" + authority + "'");
            }
        }
        if (port != null) {
            int p = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
            if (p < 1 || p > 65535) {
                return Optional.of("port '" + port + "' (expected 1-65535)");
            }
        }
        return Optional.empty();
    }

    /**
     * @param bucket the configured bucket name, not null
     * @return what is wrong with it, empty when S3 (and the MinIO SDK) accept it
     */
    public static Optional<String> bucketProblem(String bucket) {
        if (bucket.length() < 3 || bucket.length() > 63) {
            return Optional.of(bucket.length() + " characters");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            return Optional.of("a character other than a-z, 0-9, '.' and '-', or one of '.' and '-' at an end");
        }
        if (bucket.contains("..") || bucket.contains(".-") || bucket.contains("-.")) {
            return Optional.of("'..', '.-' or '-.'");
        }
        if (IPV4.matcher(bucket).matches()) {
            return Optional.of("an IP address");
        }
        return Optional.empty();
    }
}

package dev.relay.functions.kfp;

import dev.relay.eventing.input.SafeFiles;
import dev.relay.runner.argo.ArgoPackage;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file of a KFP upload: the multipart field {@code uploadfile} (as {@code kfp_server_api}
 * sends it), taken from what Vert.x's body handler parsed, or from the raw body.
 *
 * @param fileName the part's file name (e.g. {@code pipeline.yaml}), or null
 */
record Uploads(String fileName, byte[] content) {

    /**
     * @throws KfpException 400 naming {@code uploadfile} when the request holds no such part
     */
    static Uploads of(RoutingContext ctx, byte[] rawBody) {
        for (FileUpload f : ctx.fileUploads()) {
            if ("uploadfile".equals(f.name())) {
                try {
                    byte[] data = SafeFiles.read(Path.of(f.uploadedFileName()), (int) ArgoPackage.MAX_PACKAGE_BYTES);
                    return new Uploads(f.fileName(), data);
                } catch (IOException e) {
                    throw new KfpException(400, KfpException.INVALID_ARGUMENT, "uploadfile: " + e.getMessage()
                            .replace(f.uploadedFileName(), "the upload"));
                } finally {
                    try {
                        Files.deleteIfExists(Path.of(f.uploadedFileName()));
                    } catch (IOException ignored) {
                        // a temporary file of Vert.x's: left for its own clean-up
                    }
                }
            }
        }
        String type = ctx.request().getHeader("Content-Type");
        if (type != null && type.toLowerCase().startsWith("multipart/") && rawBody != null && rawBody.length > 0) {
            Uploads u = parse(type, rawBody);
            if (u != null) {
                return u;
            }
        }
        throw KfpException.invalid("uploadfile: send the pipeline file as the multipart/form-data field 'uploadfile'");
    }

    /** A small multipart/form-data reader for the one field (RFC 7578). */
    private static Uploads parse(String contentType, byte[] body) {
        int b = contentType.indexOf("boundary=");
        if (b < 0) {
            return null;
        }
        String boundary = contentType.substring(b + 9).split(";")[0].trim().replace("\"", "");
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delim, 0);
        while (pos >= 0) {
            int headStart = pos + delim.length + 2;
            int headEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headStart);
            if (headEnd < 0) {
                return null;
            }
            String head = new String(body, headStart, headEnd - headStart, StandardCharsets.UTF_8);
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headEnd + 4);
            if (next < 0) {
                return null;
            }
            if (head.toLowerCase().contains("name=\"uploadfile\"")) {
                String fileName = null;
                int fn = head.indexOf("filename=\"");
                if (fn >= 0) {
                    fileName = head.substring(fn + 10, head.indexOf('"', fn + 10));
                }
                byte[] data = java.util.Arrays.copyOfRange(body, headEnd + 4, next);
                return new Uploads(fileName, data);
            }
            pos = next + 2;
        }
        return null;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

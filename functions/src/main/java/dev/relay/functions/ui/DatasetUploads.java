package dev.relay.functions.ui;

import dev.relay.functions.app.Backend;
import dev.relay.functions.app.HttpError;
import dev.relay.runner.contract.Json;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/uploads} (docs/api.md "Uploads"): a file the run form sends for a file
 * parameter (a dataset), stored in the Relay bucket under
 * {@code uploads/<yyyy-mm-dd>/<16 hex>/<file name>}, so that the run request can name it as an
 * explicit artifact reference {@code {"uri": "s3://…"}} (contracts.md, issue 13's rule: a string
 * parameter is only ever text).
 *
 * <p>The body is multipart with one part {@code file} (the browser's {@code FormData}); the app's
 * body limit ({@code quarkus.http.limits.max-body-size}, 10 MiB unless configured) bounds it.
 * 201 {@code {"uri", "key", "size", "fileName"}}; 400 naming {@code file} without such a part or for
 * more than one.
 */
@Path("/api/v1/uploads")
public class DatasetUploads {
    /** The bucket prefix uploads go under. */
    public static final String PREFIX = "uploads/";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject Backend backend;

    /** Stores the part {@code file}; see the class comment for the answers. */
    @POST
    public Response upload(@Context RoutingContext ctx) {
        List<FileUpload> files = ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).toList();
        try {
            if (files.isEmpty()) {
                throw new HttpError(400, "file", "send the file as the multipart part 'file' (multipart/form-data)", List.of());
            }
            if (files.size() > 1) {
                throw new HttpError(400, "file", "send one file per request, got " + files.size() + " parts 'file'", List.of());
            }
            FileUpload f = files.get(0);
            byte[] id = new byte[8];
            RANDOM.nextBytes(id);
            String key = PREFIX + LocalDate.now(ZoneOffset.UTC) + "/" + HexFormat.of().formatHex(id) + "/" + safeName(f.fileName());
            backend.store().putFile(key, java.nio.file.Path.of(f.uploadedFileName()));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("uri", backend.store().uri(key));
            doc.put("key", key);
            doc.put("size", f.size());
            doc.put("fileName", f.fileName());
            return Response.created(URI.create("/api/v1/uploads")).type("application/json").entity(Json.bytes(doc)).build();
        } finally {
            for (FileUpload f : ctx.fileUploads()) {
                try {
                    Files.deleteIfExists(java.nio.file.Path.of(f.uploadedFileName()));
                } catch (IOException ignored) {
                    // a temporary file of Vert.x's: left for its own clean-up
                }
            }
        }
    }

    /**
     * @return the file name as an object name: its last path segment, characters other than letters,
     *     digits, {@code .}, {@code _} and {@code -} as {@code _}, at most 120 characters; {@code upload}
     *     when nothing is left
     */
    static String safeName(String fileName) {
        String n = fileName == null ? "" : fileName.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "");
        if (n.length() > 120) {
            n = n.substring(n.length() - 120);
        }
        return n.isEmpty() ? "upload" : n;
    }
}

package dev.relay.functions.kfp;

import dev.relay.runner.contract.Json;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.PipelineInliner;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostMultipartRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relay's addition to KFP's upload (docs/api.md "Upload with component files"): besides
 * {@code uploadfile}, a multipart upload may carry the component files a KFP v1 graph pipeline
 * names by {@code componentRef.url}, each as a part {@code component} whose file name is the
 * url's file name ({@code generate.component.yaml}). They are inlined as {@code relay pipeline
 * upload} inlines local files ({@link ComponentLoader#resolve}), so the web UI can upload {@code examples/random-sum/} as it is.
 */
final class UploadedComponents {
    private UploadedComponents() {}

    /**
     * @return the upload with its {@code componentRef.url}s inlined from the {@code component}
     *     parts, or {@code u} as it is when there are no such parts or no urls
     * @throws KfpException 400 naming {@code component} when a part's name is not a plain file name
     *     or the pipeline names a file that was not sent
     */
    static Uploads inline(RoutingContext ctx, byte[] rawBody, Uploads u) {
        Map<String, byte[]> parts = parts(ctx, rawBody);
        if (parts.isEmpty() || u.content() == null) {
            return u;
        }
        String text = new String(u.content(), StandardCharsets.UTF_8);
        String main = u.fileName() == null || u.fileName().isBlank() ? "pipeline.yaml" : Path.of(u.fileName()).getFileName().toString();
        try {
            if (PipelineInliner.componentUrls(text, main).isEmpty()) {
                return u;
            }
        } catch (RuntimeException e) {
            return u; // not YAML: the upload's own checks say why
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("relay-upload-");
            for (Map.Entry<String, byte[]> p : parts.entrySet()) {
                Files.write(dir.resolve(p.getKey()), p.getValue());
            }
            Files.writeString(dir.resolve(main), text);
            // spine's one resolution: validated and inlined from the bytes read once
            var tree = ComponentLoader.resolve(dir.resolve(main), text.getBytes(StandardCharsets.UTF_8)).inlined();
            return new Uploads(u.fileName(), Json.bytes(tree));
        } catch (SpecException e) {
            String d = String.valueOf(dir);
            throw KfpException.invalid("component: the pipeline or a component file sent with it is invalid or missing ("
                    + String.join("; ", e.errors().stream().map(SpecError::toString).map(m -> m.replace(d + "/", "")).toList())
                    + "); send every componentRef.url file as a multipart part 'component'");
        } catch (UncheckedIOException e) {
            throw KfpException.invalid("component: the pipeline names a component file that was not uploaded with it ("
                    + e.getCause().getMessage().replace(String.valueOf(dir), "") + "); send it as a multipart part 'component'");
        } catch (IOException e) {
            throw new KfpException(500, KfpException.INTERNAL, "component: cannot stage the upload: " + e.getMessage());
        } finally {
            if (dir != null) {
                try (var s = Files.list(dir)) {
                    for (Path f : s.toList()) {
                        Files.deleteIfExists(f);
                    }
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temp dir left behind holds only what the client sent
                }
            }
        }
    }

    /** The {@code component} parts: file name → content. */
    private static Map<String, byte[]> parts(RoutingContext ctx, byte[] rawBody) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (io.vertx.ext.web.FileUpload f : ctx.fileUploads()) {
            if ("component".equals(f.name())) {
                try {
                    out.put(safe(f.fileName()), Files.readAllBytes(Path.of(f.uploadedFileName())));
                } catch (IOException e) {
                    throw new KfpException(500, KfpException.INTERNAL, "component: cannot read the upload: " + e.getMessage());
                }
            }
        }
        String type = ctx.request().getHeader("Content-Type");
        if (!out.isEmpty() || type == null || !type.toLowerCase().startsWith("multipart/") || rawBody == null || rawBody.length == 0) {
            return out;
        }
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/", Unpooled.wrappedBuffer(rawBody));
        req.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        HttpPostMultipartRequestDecoder decoder = new HttpPostMultipartRequestDecoder(new DefaultHttpDataFactory(false), req);
        try {
            List<InterfaceHttpData> data = decoder.getBodyHttpDatas();
            for (InterfaceHttpData d : data) {
                if (d instanceof FileUpload f && "component".equals(f.getName())) {
                    out.put(safe(f.getFilename()), f.get());
                }
            }
        } catch (IOException | RuntimeException e) {
            throw KfpException.invalid("component: the multipart body cannot be read: " + e.getMessage());
        } finally {
            decoder.destroy();
        }
        return out;
    }

    private static String safe(String fileName) {
        String n = fileName == null ? "" : fileName;
        if (!n.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}") || n.contains("..")) {
            throw KfpException.invalid("component: '" + n.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a plain file name (letters, digits, '.', '_', '-')");
        }
        return n;
    }
}

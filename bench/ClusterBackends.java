import dev.relay.runner.store.EmbeddedS3Server;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;

/**
 * What the cluster profile's functions app talks to, on loopback, for bench/bench.py (the cluster
 * section): S3Proxy (the runner's EmbeddedS3Server, as the runner's tests start it) in place of
 * MinIO, an embedded PostgreSQL (zonky, as PostgresRunIndexTest starts it) for the index, and
 * fabric8's CRUD mock API server for the Jobs, with a kubeconfig naming it. No Docker.
 *
 * <p>Run with the runner's test class path: {@code java -cp CP bench/ClusterBackends.java DIR}.
 * Prints one JSON line (endpoints, keys, JDBC URL, kubeconfig path) once everything is up, then
 * serves until its standard input closes, and stops everything. Not a test; asserts nothing.
 */
public class ClusterBackends {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toAbsolutePath();
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        String access = "bench-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        EmbeddedS3Server s3 = EmbeddedS3Server.start(dir.resolve("s3"), "127.0.0.1", 0, access, secret, n -> { });
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
        KubernetesMockServer kube = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        kube.init(InetAddress.getLoopbackAddress(), 0);
        String master = "http://127.0.0.1:" + kube.getPort();
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, String.join("\n",
                "apiVersion: v1", "kind: Config", "current-context: bench",
                "clusters: [{name: bench, cluster: {server: '" + master + "'}}]",
                "users: [{name: bench, user: {token: bench}}]",
                "contexts: [{name: bench, context: {cluster: bench, user: bench, namespace: relay}}]", ""));
        System.out.printf("{\"s3\": \"%s\", \"accessKey\": \"%s\", \"secretKey\": \"%s\", \"db\": \"%s\", \"dbUser\": \"postgres\","
                        + " \"dbPassword\": \"postgres\", \"kube\": \"%s\", \"kubeconfig\": \"%s\"}%n",
                s3.endpoint(), access, secret, pg.getJdbcUrl("postgres", "postgres"), master, kubeconfig);
        System.out.flush();
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // until the bench closes our standard input
            }
        } finally {
            kube.destroy();
            pg.close();
            s3.close();
        }
    }
}

package dev.relay.functions;

import dev.relay.runner.store.EmbeddedS3Server;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (one combined KRaft node, in this JVM, no Docker) and a stand-in for MinIO:
 * an embedded S3 server whose notifications are published to {@code relay-minio-events} as
 * MinIO's Kafka target does (key = bucket/key). The app under test connects to both as the
 * bridge Deployment would.
 */
public class KafkaBridgeResource implements QuarkusTestResourceLifecycleManager {
    /** The notification topic. */
    public static final String TOPIC = "relay-minio-events";
    /** Where the bootstrap servers are published for tests. */
    public static volatile String bootstrap;

    private KafkaClusterTestKit cluster;
    private KafkaProducer<String, byte[]> producer;
    private EmbeddedS3Server s3;

    @Override
    public Map<String, String> start() {
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                    .setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "1")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            bootstrap = cluster.bootstrapServers();
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
            Path dir = Files.createTempDirectory("relay-bridge-s3");
            s3 = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "minio", "minio123",
                    envelope -> producer.send(new ProducerRecord<>(TOPIC, "mlpipeline", envelope)));
            return Map.of(
                    "kafka.bootstrap.servers", bootstrap,
                    "relay.s3.endpoint", s3.endpoint().toString(),
                    "relay.work-dir", dir.resolveSibling(dir.getFileName() + "-work").toString());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test Kafka broker: " + e, e);
        }
    }

    /** Publishes raw bytes to the notification topic (a message the bridge cannot read, say). */
    public static void publish(byte[] value) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> pr = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            pr.send(new ProducerRecord<>(TOPIC, "garbage", value)).get();
        }
    }

    @Override
    public void stop() {
        try {
            if (s3 != null) {
                s3.close();
            }
            if (producer != null) {
                producer.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

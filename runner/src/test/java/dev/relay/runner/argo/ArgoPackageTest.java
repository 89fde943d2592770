package dev.relay.runner.argo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** Package forms: YAML, .tar.gz, .zip; one YAML entry exactly; clear refusals. */
public class ArgoPackageTest {
    static String fixture(String name) throws IOException {
        try (InputStream in = ArgoPackageTest.class.getResourceAsStream("/argo/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A .tar.gz holding the given entries (name → content). */
    public static byte[] tarGz(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] b = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry te = new TarArchiveEntry(e.getKey());
                te.setSize(b.length);
                tar.putArchiveEntry(te);
                tar.write(b);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A .zip holding the given entries (name → content). */
    public static byte[] zip(Map<String, String> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void yamlTarGzAndZipGiveTheSameWorkflow() throws Exception {
        String yaml = fixture("sum.workflow.yaml");
        ArgoPackage plain = ArgoPackage.read(yaml.getBytes(StandardCharsets.UTF_8), "p.yaml");
        ArgoPackage tgz = ArgoPackage.read(tarGz(Map.of("pipeline.yaml", yaml)), "p.tar.gz");
        ArgoPackage zip = ArgoPackage.read(zip(Map.of("pipeline.yaml", yaml)), "p.zip");
        assertEquals(yaml, plain.yaml());
        assertEquals(yaml, tgz.yaml());
        assertEquals(yaml, zip.yaml());
        assertEquals("p.tar.gz!pipeline.yaml", tgz.name());
        assertTrue(ArgoPackage.isPackage(tarGz(Map.of("pipeline.yaml", yaml))));
        assertTrue(ArgoPackage.isPackage(yaml.getBytes(StandardCharsets.UTF_8)));
        assertFalse(ArgoPackage.isPackage("name: echo\nimplementation: {container: {image: a}}\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ArgoPipeline.translate(plain), ArgoPipeline.translate(tgz));
    }

    @Test
    void anArchiveWithTwoYamlFilesOrNoneIsRefusedNamingItsEntries() throws Exception {
        String yaml = fixture("sum.workflow.yaml");
        Map<String, String> two = new LinkedHashMap<>();
        two.put("pipeline.yaml", yaml);
        two.put("other.yml", yaml);
        two.put("README.md", "hi");
        SpecException e = assertThrows(SpecException.class, () -> ArgoPackage.read(tarGz(two), "two.tar.gz"));
        assertEquals(1, e.errors().size());
        assertEquals("two.tar.gz:1:1: a .tar.gz pipeline package must hold exactly one .yaml/.yml file (the compiled"
                + " workflow); it holds 2 (entries: pipeline.yaml, other.yml, README.md)", e.errors().get(0).toString());
        SpecException none = assertThrows(SpecException.class, () -> ArgoPackage.read(zip(Map.of("a.txt", "x")), "none.zip"));
        assertTrue(none.getMessage().contains("it holds 0 (entries: a.txt)"), none.getMessage());
    }

    @Test
    void badBytesGiveOneLineErrors() {
        SpecException notUtf8 = assertThrows(SpecException.class,
                () -> ArgoPackage.read(new byte[] {'a', (byte) 0xff, 'b'}, "x.yaml"));
        assertEquals("x.yaml:1:1: the workflow is not valid UTF-8 text", notUtf8.errors().get(0).toString());
        SpecException broken = assertThrows(SpecException.class,
                () -> ArgoPackage.read(new byte[] {0x1f, (byte) 0x8b, 1, 2, 3}, "x.tar.gz"));
        assertTrue(broken.errors().get(0).message().startsWith("not a readable .tar.gz package"), broken.getMessage());
    }

    @Test
    void whatAWorkflowLacksIsNamedByField() {
        String bad = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: x}\nspec:\n  entrypoint: nope\n"
                + "  templates:\n  - name: a\n    dag:\n      tasks:\n      - {name: t, template: missing}\n";
        SpecException e = assertThrows(SpecException.class, () -> ArgoPipeline.translate(bad.getBytes(StandardCharsets.UTF_8), "bad.yaml"));
        assertEquals(2, e.errors().size(), e.getMessage());
        assertEquals("bad.yaml:1:1: spec.entrypoint: no template named 'nope'", e.errors().get(0).toString());
        assertEquals("bad.yaml:1:1: spec.templates[0](a).dag.tasks[0].template: no template named 'missing'",
                e.errors().get(1).toString());
        SpecException yaml = assertThrows(SpecException.class, () -> ArgoPipeline.translate(
                "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec: [\n".getBytes(StandardCharsets.UTF_8), "y.yaml"));
        assertTrue(yaml.errors().get(0).line() > 0, yaml.getMessage());
    }
    @Test
    void aHostProcessGetsTheFieldRefValuesItCanTell() {
        String pod = "{\"env\":[{\"name\":\"POD\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.name\"}}},"
                + "{\"name\":\"UID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\"}}},"
                + "{\"name\":\"RUN\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.labels['pipeline/runid']\"}}},"
                + "{\"name\":\"WF\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.labels[\\\"workflows.argoproj.io/workflow\\\"]\"}}},"
                + "{\"name\":\"NS\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.namespace\"}}},"
                + "{\"name\":\"PW\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s\",\"key\":\"k\"}}}]}";
        Map<String, String> v = ArgoPodFields.hostFieldValues(pod, "r-1", "for-loop-1/0/My_Task", 2);
        assertEquals("r-1-for-loop-1-0-my-task-2", v.get("POD"), "a DNS label");
        assertEquals(java.util.UUID.nameUUIDFromBytes("r-1-for-loop-1/0/My_Task-2".getBytes(StandardCharsets.UTF_8)).toString(),
                v.get("UID"));
        assertEquals("r-1", v.get("RUN"));
        assertEquals("r-1", v.get("WF"), "either quote");
        assertEquals(java.util.List.of("POD", "UID", "RUN", "WF"), java.util.List.copyOf(v.keySet()),
                "no host value for the namespace; a secret is no fieldRef");
        assertTrue(ArgoPodFields.hostFieldValues(null, "r-1", "t", 1).isEmpty());
    }
}

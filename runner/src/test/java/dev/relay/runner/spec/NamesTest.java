package dev.relay.runner.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** DNS-1123 labels and KFP's special-output name rule. */
class NamesTest {
    @Test
    void dnsLabel() {
        assertEquals("train-model", Names.dnsLabel("Train model"));
        assertEquals("a-b", Names.dnsLabel("a__b"));
        assertEquals("a-b", Names.dnsLabel("--A  B--"));
        assertEquals("r-sum-2", Names.dnsLabel("Résum 2"));
        assertEquals("x", Names.dnsLabel(""));
        assertEquals("x", Names.dnsLabel("___"));
        assertEquals("caf", Names.dnsLabel("café"));
        String longId = "a".repeat(62) + "-b";
        assertEquals("a".repeat(62), Names.dnsLabel(longId)); // cut at 63, trailing '-' trimmed
        assertEquals(63, Names.dnsLabel("b".repeat(100)).length());
    }

    @Test
    void specialOutputs() {
        assertTrue(new OutputSpec("MLPipeline UI metadata", null, null).isUiMetadata());
        assertTrue(new OutputSpec("mlpipeline-ui-metadata", null, null).isUiMetadata());
        assertTrue(new OutputSpec("mlpipeline_ui_metadata", null, null).isUiMetadata());
        assertTrue(new OutputSpec("MLPipeline Metrics", null, null).isMetrics());
        assertFalse(new OutputSpec("MLPipeline  Metrics", null, null).isMetrics()); // one '-' per character
        assertFalse(new OutputSpec("metrics", null, null).isMetrics());
        assertFalse(new OutputSpec("MLPipeline Metrics", null, null).isUiMetadata());
    }
}

package dev.relay.runner.k8s;

import dev.relay.runner.launch.Durations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JobNamesTest {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    @Test
    void awkwardNamesGiveValidJobNamesAndLabelValues() {
        String[] names = {"Train_Model", "Nightly Retrain (iris) 2024-05-01", "trainXGBoost", "--", "Ünïcode 数据"};
        for (String run : names) {
            for (String task : names) {
                String job = JobNames.jobName(run, task, 1);
                assertTrue(DNS_LABEL.matcher(job).matches(), job);
                assertTrue(job.length() <= 63, job);
                assertTrue(job.endsWith("-" + JobNames.hash8(run + "/" + task) + "-a1"), job);
            }
            String v = JobNames.labelValue(run);
            assertTrue(LABEL_VALUE.matcher(v).matches() && v.length() <= 63, v);
        }
        assertEquals("train-model", JobNames.labelValue("Train_Model"));
        assertEquals("nightly-retrain-iris-2024-05-01", JobNames.labelValue("Nightly Retrain (iris) 2024-05-01"));
        assertEquals("trainxgboost", JobNames.labelValue("trainXGBoost"));
        assertEquals("nightly-retrain-iris-2024-05-01-train-model-" + JobNames.hash8("Nightly Retrain (iris) 2024-05-01/Train_Model") + "-a3",
                JobNames.jobName("Nightly Retrain (iris) 2024-05-01", "Train_Model", 3));
    }

    @Test
    void jobNamesAreDeterministicAndDistinctWhenCut() {
        String run = "r-20261129-101500-7f3a9c";
        String a = "a-very-long-task-name-that-goes-on-and-on-and-on-until-it-ends-with-1";
        String b = "a-very-long-task-name-that-goes-on-and-on-and-on-until-it-ends-with-2";
        String ja = JobNames.jobName(run, a, 1);
        String jb = JobNames.jobName(run, b, 1);
        assertEquals(63, ja.length());
        assertTrue(DNS_LABEL.matcher(ja).matches(), ja);
        assertNotEquals(ja, jb);
        assertEquals(ja, JobNames.jobName(run, a, 1));
        assertNotEquals(ja, JobNames.jobName(run, a, 2));
        assertTrue(JobNames.jobName(run, a, 123456).length() <= 63);
        // "run-x" + "task" and "run" + "x-task" sanitize alike; the hash of run/task keeps them apart
        assertNotEquals(JobNames.jobName("run-x", "task", 1), JobNames.jobName("run", "x-task", 1));
    }

    @Test
    void labelValuesKeep63AndCut64WithAHash() {
        String v63 = "a".repeat(63);
        assertEquals(v63, JobNames.labelValue(v63));
        String v64 = "a".repeat(64);
        String cut = JobNames.labelValue(v64);
        assertEquals(63, cut.length());
        assertEquals("a".repeat(54) + "-" + JobNames.hash8(v64), cut);
        String x = "x".repeat(70) + "1";
        String y = "x".repeat(70) + "2";
        assertNotEquals(JobNames.labelValue(x), JobNames.labelValue(y));
        assertTrue(LABEL_VALUE.matcher(JobNames.labelValue(x)).matches());
    }

    @Test
    void badInputIsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> JobNames.jobName("r", "t", 0));
        assertThrows(IllegalArgumentException.class, () -> JobNames.jobName("", "t", 1));
        assertThrows(IllegalArgumentException.class, () -> JobNames.labelValue(null));
    }

    @Test
    void durations() {
        assertEquals(5400, Durations.seconds("1h30m"));
        assertEquals(90, Durations.seconds("90s"));
        assertEquals(3600, Durations.seconds("3600"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.seconds("soon"));
        assertTrue(e.getMessage().contains("'soon'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.seconds("0s"));
    }
}

package org.nce.pipeline.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.nce.pipeline.config.PipelineConfig;

class ClusterConfigTest {
    @Test
    void theClusterConfigurationIsValid() throws Exception {
        PipelineConfig c = PipelineConfig.load(Path.of("../deploy/config/pipeline.cluster.yaml"));
        assertTrue(c.problems().isEmpty(), c.problems().toString());
        assertEquals(2, c.job().parallelism());
        assertTrue(c.mqtt().topics().stream().allMatch(t -> t.startsWith("nce/site-demo/")), c.mqtt().topics().toString());
    }
}

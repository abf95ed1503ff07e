package org.nce.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.nce.pipeline.config.PipelineConfig;

/** The whole job as the sample configuration builds it, before anything runs. */
class JobGraphTest {
    static StreamGraph graph() throws Exception {
        System.setProperty("NCE_MQTT_PASSWORD", System.getenv().getOrDefault("NCE_MQTT_PASSWORD", "unit-test"));
        PipelineConfig config = PipelineConfig.load(Path.of("../deploy/config/pipeline.sample.yaml"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        NceJob.build(env, config);
        return env.getStreamGraph();
    }

    /**
     * Finding 10: no record falls back to Kryo. The job runs with generic types disabled, so building
     * every operator's serializers (which the stream graph does) fails on any type that would.
     */
    @Test
    void everyRecordHasFlinkTypeInformationAndNoneFallsBackToKryo() throws Exception {
        StreamGraph g = graph();
        assertTrue(g.getStreamNodes().size() >= 8);
        // The check is real: with generic types off, a type Flink cannot analyse is refused.
        SerializerConfigImpl strict = new SerializerConfigImpl();
        strict.setGenericTypes(false);
        assertThrows(UnsupportedOperationException.class,
                () -> TypeInformation.of(Object.class).createSerializer(strict));
    }

    /** Savepoints map state to operators by uid: every stateful operator has a stable one. */
    @Test
    void everyOperatorHasAStableUid() throws Exception {
        List<String> missing = new ArrayList<>();
        for (StreamNode n : graph().getStreamNodes()) {
            if (n.getTransformationUID() == null) {
                missing.add(n.getOperatorName());
            }
        }
        assertEquals(List.of(), missing.stream().filter(name -> !name.contains("Committer") && !name.contains("Sink:")).toList());
    }
}

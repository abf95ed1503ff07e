package org.nce.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** What a violation is. The wire name is the one in labels.csv, alerts, cases and the console. */
public enum EventType {
    OPEN_BURNING("open_burning", Source.CAMERA),
    MUCK_DUMPING("muck_dumping", Source.CAMERA),
    UNLEASHED_DOG("unleashed_dog", Source.CAMERA),
    NOISE_EXCEEDANCE("noise_exceedance", Source.SENSOR),
    LAMPBLACK_EXCEEDANCE("lampblack_exceedance", Source.SENSOR),
    PURIFIER_NOT_RUNNING("purifier_not_running", Source.SENSOR);

    public enum Source { CAMERA, SENSOR }

    private final String wireName;
    private final Source source;

    EventType(String wireName, Source source) {
        this.wireName = wireName;
        this.source = source;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public Source source() {
        return source;
    }

    @JsonCreator
    public static EventType fromWire(String name) {
        for (EventType t : values()) {
            if (t.wireName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown event type '" + name + "', known: "
                + Arrays.stream(values()).map(EventType::wireName).toList());
    }
}

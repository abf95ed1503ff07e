package org.nce.pipeline.cases;

import java.io.Serializable;
import java.util.Map;
import org.apache.flink.api.java.functions.KeySelector;
import org.nce.model.Alert;

/**
 * Which case an alert may join. Its subject is the party the device watches ({@code subject} of the
 * camera or sensor in the pipeline's config, the id the console's subject registry knows it by), else
 * its site. With {@code comprehensive} (综合查一次, the default) a subject's alerts of every type within
 * the merge window are one case with several violations; without it, one case per subject and type.
 */
public record CaseKeys(Map<String, String> subjectBySource, boolean comprehensive) implements KeySelector<CaseInput, String>, Serializable {
    private static final long serialVersionUID = 1L;
    /** One case per site and type, no subjects named: the behaviour before 综合查一次. */
    public static final CaseKeys BY_SITE_AND_TYPE = new CaseKeys(Map.of(), false);

    public CaseKeys {
        subjectBySource = Map.copyOf(subjectBySource);
    }

    public String subject(Alert a) {
        return subjectBySource.getOrDefault(a.sourceId(), a.siteId());
    }

    public String key(Alert a) {
        return comprehensive ? subject(a) : subject(a) + "|" + a.type().wireName();
    }

    @Override
    public String getKey(CaseInput in) {
        return key(in.alert().alert());
    }
}

package org.nce.pipeline.cases;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.nce.model.Alert;
import org.nce.model.CaseRecord;
import org.nce.model.EvidenceRef;
import org.nce.model.EvidencedAlert;
import org.nce.model.Hashes;

/**
 * Opens and grows draft cases, keyed by {@link #key(Alert) subject and violation type}. Alerts on the
 * same subject and type within the merge window of the case's opening join it instead of opening
 * another (综合查一次: one comprehensive inspection instead of many). A redelivered alert (same id)
 * adds nothing but evidence it brings. Every change emits the whole case; the sink indexes it by
 * its deterministic id.
 *
 * <p>A case belongs to the officers once it leaves {@code draft}: before an alert joins the case
 * held in state, the job reads the case's status from the index (a real-time get, so it sees the
 * console's last write); a case that is reviewed, decided, dismissed or closed takes no more alerts,
 * and the alert opens a new draft. The window is anchored at the case's opening, not its newest
 * alert, and a case holds at most {@code maxAlertsPerCase} alerts, so a persistent violator's case
 * closes and never grows without bound. When the job holds no case for a subject (a new deployment),
 * it first asks the {@link OpenCaseLookup} for a draft opened inside the window, so a redeployment
 * joins the open case instead of doubling it.
 */
public class CaseBuilderFunction extends KeyedProcessFunction<String, EvidencedAlert, CaseRecord> {
    private static final long serialVersionUID = 1L;

    private final long mergeWindowMs;
    private final int maxAlertsPerCase;
    private final String timezone;
    private final OpenCaseLookup lookup;
    private transient ValueState<CaseRecord> openCase;
    private transient Counter opened;
    private transient Counter continued;
    private transient Counter leftDraft;

    public CaseBuilderFunction(int mergeWindowHours, int maxAlertsPerCase, String timezone, OpenCaseLookup lookup) {
        this.mergeWindowMs = mergeWindowHours * 3_600_000L;
        this.maxAlertsPerCase = maxAlertsPerCase;
        this.timezone = timezone;
        this.lookup = lookup;
    }

    public static String key(Alert a) {
        return a.subject() + "|" + a.type().wireName();
    }

    @Override
    public void open(OpenContext ctx) throws java.io.IOException {
        openCase = getRuntimeContext().getState(new ValueStateDescriptor<>("open-case", CaseRecord.class));
        opened = getRuntimeContext().getMetricGroup().counter("casesOpened");
        continued = getRuntimeContext().getMetricGroup().counter("casesContinued");
        leftDraft = getRuntimeContext().getMetricGroup().counter("casesLeftDraft");
        lookup.open();
    }

    @Override
    public void close() throws Exception {
        lookup.close();
        super.close();
    }

    @Override
    public void processElement(EvidencedAlert ea, Context ctx, Collector<CaseRecord> out) throws Exception {
        Alert a = ea.alert();
        CaseRecord current = openCase.value();
        if (current == null) {
            current = lookup.newestDraft(a.subject(), a.type(), a.eventTimeMs() - mergeWindowMs).orElse(null);
            if (current != null) {
                continued.inc();
            }
        }
        if (current != null && current.alertIds().contains(a.alertId())) {
            // Same alert again (at-least-once delivery): merge any evidence it brings, add nothing else.
            CaseRecord merged = withEvidence(current, ea.evidence());
            openCase.update(merged);
            if (!merged.equals(current)) {
                out.collect(merged);
            }
            return;
        }
        if (current != null && !stillDraft(current)) {
            leftDraft.inc();
            current = null;
        }
        CaseRecord next;
        if (current != null && a.eventTimeMs() - current.openedAt() <= mergeWindowMs
                && a.eventTimeMs() >= current.openedAt() - mergeWindowMs
                && current.alertIds().size() < maxAlertsPerCase) {
            List<String> ids = new ArrayList<>(current.alertIds());
            ids.add(a.alertId());
            next = withEvidence(new CaseRecord(current.id(), current.type(), current.status(), current.subject(),
                    current.siteId(), current.openedAt(), ids, current.evidence(), summary(a, ids.size()),
                    current.legalBasis(), Math.max(current.lastAlertAt(), a.eventTimeMs())), ea.evidence());
        } else {
            opened.inc();
            next = new CaseRecord(caseId(a), a.type(), CaseRecord.STATUS_DRAFT, a.subject(), a.siteId(),
                    a.eventTimeMs(), List.of(a.alertId()), ea.evidence(), summary(a, 1), LegalBasis.of(a.type()),
                    a.eventTimeMs());
        }
        openCase.update(next);
        out.collect(next);
    }

    /** Draft as far as anyone knows: the index says draft, or has no such case yet (not written). */
    private boolean stillDraft(CaseRecord c) throws java.io.IOException {
        if (!CaseRecord.STATUS_DRAFT.equals(c.status())) {
            return false;
        }
        return lookup.status(c.id()).map(CaseRecord.STATUS_DRAFT::equals).orElse(true);
    }

    private String caseId(Alert a) {
        String day = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneId.of(timezone))
                .format(Instant.ofEpochMilli(a.eventTimeMs()));
        return "case-" + day + "-" + a.type().wireName() + "-" + Hashes.sha256(a.alertId().getBytes()).substring(0, 10);
    }

    private static String summary(Alert a, int alerts) {
        return a.type().wireName() + " at " + a.siteId() + " (" + a.sourceId() + "): " + a.reason()
                + (alerts > 1 ? " — " + alerts + " alerts merged" : "");
    }

    private static CaseRecord withEvidence(CaseRecord c, List<EvidenceRef> more) {
        Map<String, EvidenceRef> byKey = new LinkedHashMap<>();
        c.evidence().forEach(e -> byKey.put(e.key(), e));
        more.forEach(e -> byKey.put(e.key(), e));
        return new CaseRecord(c.id(), c.type(), c.status(), c.subject(), c.siteId(), c.openedAt(), c.alertIds(),
                new ArrayList<>(byKey.values()), c.summary(), c.legalBasis(), c.lastAlertAt());
    }
}

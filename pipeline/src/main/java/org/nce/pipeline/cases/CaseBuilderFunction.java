package org.nce.pipeline.cases;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
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
 * Opens and grows draft cases, keyed by {@link CaseKeys}: by subject (综合查一次, one comprehensive
 * inspection instead of many: a fire seen by a camera and a fume alarm at the same restaurant are one
 * case with two violations), or by subject and violation type. Alerts of the key within the merge
 * window of the case's opening join it instead of opening another. A redelivered alert (same id)
 * adds nothing but evidence it brings. Every change emits the whole case; the sink indexes it by
 * its deterministic id.
 *
 * <p>A case belongs to the officers once it leaves {@code draft}: before an alert joins the case
 * held in state, the job reads the case's status from the index (a real-time get, so it sees the
 * console's last write at once); a case that is reviewed, decided, dismissed or closed takes no more alerts,
 * and the alert opens a new draft. The window is anchored at the case's opening, not its newest
 * alert, and a case holds at most {@code maxAlertsPerCase} alerts, so a persistent violator's case
 * closes and never grows without bound. When the job holds no case for a subject (a new deployment),
 * it first asks the {@link OpenCaseLookup} for a draft opened inside the window, so a redeployment
 * joins the open case instead of doubling it.
 *
 * <p>A sensor alert comes twice ({@link CaseInput}): when it is raised, so its case is in the index
 * within a second, and when its evidence is stored. The second attaches the evidence to the case the
 * first joined (kept in state until then, even when that case is no longer the open one) and never
 * adds the alert to another case. A camera alert comes once, with its evidence.
 */
public class CaseBuilderFunction extends KeyedProcessFunction<String, CaseInput, CaseRecord> {
    private static final long serialVersionUID = 1L;

    private final long mergeWindowMs;
    private final int maxAlertsPerCase;
    private final String timezone;
    private final OpenCaseLookup lookup;
    private final CaseKeys keys;
    private transient ValueState<CaseRecord> openCase;
    /**
     * The case each alert joined, until its second arrival: that goes there and nowhere else. No time
     * to live: an entry ends with the arrival it waits for, which always comes (the evidence stage
     * passes every alert on, failures as incidents, and its in-flight requests are in its checkpoint),
     * however long the job was stopped. Only alerts in flight across an upgrade from a job without this
     * state come once, and leave their entry.
     */
    private transient MapState<String, String> caseOfAlert;
    /** Alerts raised whose evidence has not come yet. */
    private transient MapState<String, Boolean> awaitingEvidence;
    /** Cases no longer open (full, out of the window, left draft) that still wait for an alert's evidence. */
    private transient MapState<String, CaseRecord> earlierCases;
    private transient Counter opened;
    private transient Counter continued;
    private transient Counter leftDraft;

    public CaseBuilderFunction(int mergeWindowHours, int maxAlertsPerCase, String timezone, OpenCaseLookup lookup) {
        this(mergeWindowHours, maxAlertsPerCase, timezone, lookup, CaseKeys.BY_SITE_AND_TYPE);
    }

    /** @param keys how alerts are grouped into cases; the stream must be keyed by the same ({@code keyBy(keys)}) */
    public CaseBuilderFunction(int mergeWindowHours, int maxAlertsPerCase, String timezone, OpenCaseLookup lookup, CaseKeys keys) {
        this.mergeWindowMs = mergeWindowHours * 3_600_000L;
        this.maxAlertsPerCase = maxAlertsPerCase;
        this.timezone = timezone;
        this.lookup = lookup;
        this.keys = keys;
    }

    /** The key of one case per site and type ({@link CaseKeys#BY_SITE_AND_TYPE}). */
    public static String key(Alert a) {
        return CaseKeys.BY_SITE_AND_TYPE.key(a);
    }

    @Override
    public void open(OpenContext ctx) throws java.io.IOException {
        openCase = getRuntimeContext().getState(new ValueStateDescriptor<>("open-case", CaseRecord.class));
        MapStateDescriptor<String, String> joined = new MapStateDescriptor<>("case-of-alert", String.class, String.class);
        caseOfAlert = getRuntimeContext().getMapState(joined);
        MapStateDescriptor<String, Boolean> awaiting = new MapStateDescriptor<>("awaiting-evidence", String.class, Boolean.class);
        awaitingEvidence = getRuntimeContext().getMapState(awaiting);
        MapStateDescriptor<String, CaseRecord> earlier = new MapStateDescriptor<>("earlier-cases", String.class, CaseRecord.class);
        earlierCases = getRuntimeContext().getMapState(earlier);
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
    public void processElement(CaseInput in, Context ctx, Collector<CaseRecord> out) throws Exception {
        EvidencedAlert ea = in.alert();
        Alert a = ea.alert();
        String joinedCase = caseOfAlert.get(a.alertId());
        if (joinedCase != null) {
            // The alert's second arrival (its evidence, or the raised alert that its evidence overtook):
            // into its own case only.
            caseOfAlert.remove(a.alertId());
            awaitingEvidence.remove(a.alertId());
            attachEvidence(joinedCase, ea.evidence(), out);
            return;
        }
        if (in.evidenceOnly() && CaseInput.comesTwice(a)) {
            // A sensor alert's evidence with no record of its raising here: raised before an upgrade that changed
            // how cases are keyed (or before state was lost), or its evidence overtook it. If a case already lists
            // it, the evidence goes there and the alert joins no other case.
            java.util.Optional<CaseRecord> holding = lookup.holding(a.alertId());
            if (holding.isPresent()) {
                CaseRecord merged = withEvidence(holding.get(), ea.evidence());
                if (!merged.equals(holding.get())) {
                    out.collect(merged); // the sink keeps an officer's status and adds evidence of the case's own alerts
                }
                return;
            }
        }
        CaseRecord current = openCase.value();
        if (current == null) {
            // No type asked for under 综合查一次: the subject's open draft of any type.
            current = lookup.newestDraft(keys.subject(a), keys.comprehensive() ? null : a.type(), a.eventTimeMs() - mergeWindowMs).orElse(null);
            if (current != null) {
                continued.inc();
            }
        }
        if (current != null && current.alertIds().contains(a.alertId())) {
            // Same alert again (at-least-once delivery, or the open draft of an earlier deployment).
            alreadyIn(current, in, out);
            return;
        }
        if (current != null && !stillDraft(current)) {
            leftDraft.inc();
            retire(current);
            // Alerts that the case refused at the sink (it left draft after the job's read) are in its
            // "-after" draft (CaseMerge.caseIdAfter): take that one up, so an alert replayed after a
            // restore goes where the sink put it, and later alerts join it, instead of a second draft.
            current = lookup.byId(CaseMerge.caseIdAfter(current.id()))
                    .filter(c -> CaseRecord.STATUS_DRAFT.equals(c.status())).orElse(null);
            if (current != null && current.alertIds().contains(a.alertId())) {
                alreadyIn(current, in, out);
                return;
            }
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
            if (current != null) {
                retire(current);
            }
            opened.inc();
            next = new CaseRecord(caseId(a), a.type(), CaseRecord.STATUS_DRAFT, keys.subject(a), a.siteId(),
                    a.eventTimeMs(), List.of(a.alertId()), ea.evidence(), summary(a, 1), LegalBasis.of(a.type()),
                    a.eventTimeMs());
        }
        openCase.update(next);
        remember(in, next.id());
        out.collect(next);
    }

    /** The alert is in {@code c} already: it becomes the open case, with any evidence the alert brings, and nothing else is added. */
    private void alreadyIn(CaseRecord c, CaseInput in, Collector<CaseRecord> out) throws Exception {
        CaseRecord merged = withEvidence(c, in.alert().evidence());
        openCase.update(merged);
        remember(in, merged.id());
        if (!merged.equals(c)) {
            out.collect(merged);
        }
    }

    /** For an alert's second arrival: the case it joined, and (raised first) that its evidence is owed. */
    private void remember(CaseInput in, String caseId) throws Exception {
        Alert a = in.alert().alert();
        if (!in.evidenceOnly()) {
            caseOfAlert.put(a.alertId(), caseId);
            awaitingEvidence.put(a.alertId(), true);
        } else if (CaseInput.comesTwice(a)) {
            caseOfAlert.put(a.alertId(), caseId); // its evidence overtook it: the raised alert is still to come
        }
    }

    /** The evidence of an alert raised earlier, into the case it joined then (open or not). */
    private void attachEvidence(String caseId, List<EvidenceRef> evidence, Collector<CaseRecord> out) throws Exception {
        CaseRecord open = openCase.value();
        if (open != null && open.id().equals(caseId)) {
            CaseRecord merged = withEvidence(open, evidence);
            openCase.update(merged);
            if (!merged.equals(open)) {
                out.collect(merged);
            }
            return;
        }
        CaseRecord earlier = earlierCases.get(caseId);
        if (earlier == null) {
            // Retired with all its evidence in: this is a redelivery, and the objects are in the case.
            return;
        }
        CaseRecord merged = withEvidence(earlier, evidence);
        if (awaited(caseId)) {
            earlierCases.put(caseId, merged);
        } else {
            earlierCases.remove(caseId);
        }
        if (!merged.equals(earlier)) {
            out.collect(merged); // the sink keeps an officer's status; it adds evidence of the case's own alerts
        }
    }

    /** The case stops being the open one: kept while an alert of it still waits for its evidence. */
    private void retire(CaseRecord c) throws Exception {
        if (awaited(c.id())) {
            earlierCases.put(c.id(), c);
        }
    }

    private boolean awaited(String caseId) throws Exception {
        for (String alertId : awaitingEvidence.keys()) {
            if (caseId.equals(caseOfAlert.get(alertId))) {
                return true;
            }
        }
        return false;
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

package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.nce.console.rules.CaseRules;
import org.nce.console.rules.Registry;
import org.nce.console.web.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The subject and device registry, kept in {@code nce-registry} (one document per subject or
 * device, its entry exactly as in the files), so that an admin can edit it in the console. The
 * deployment's files seed it: at start, an entry of the files that the index lacks is added; one it
 * has is left as it is (an admin may have edited it; the log names every entry where the file and
 * the index differ). Every edit is validated with the whole registry as the files are (every
 * problem named, nothing stored on one), written conditionally on the version the admin saw, and
 * audited. What the console reads is a snapshot rebuilt from the index every {@link #REFRESH_MS}
 * and after each edit here; until the index answers, the files' registry.
 */
@Component
public class RegistryStore {
    public static final String INDEX = "nce-registry";
    /** Another console's edit is seen here within this. */
    public static final long REFRESH_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryStore.class);
    private static final String MAPPING = "{\"type\": {\"type\": \"keyword\"}, \"id\": {\"type\": \"keyword\"},"
            + " \"entry\": {\"type\": \"object\", \"enabled\": false}, \"source\": {\"type\": \"keyword\"},"
            + " \"revision\": {\"type\": \"long\"}, \"updated_at\": {\"type\": \"date\", \"format\": \"epoch_millis\"},"
            + " \"updated_by\": {\"type\": \"keyword\"}}";

    /** One registry entry as stored: {@code type} subject or device, the entry as in the files, its version. */
    public record Entry(String type, String id, JsonNode entry, String source, long revision, long updatedAt, String updatedBy,
                        String version) {
        /** As the API and the hearing package show it: id, entry, where it came from, who changed it last. */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("entry", entry);
            m.put("source", source);
            m.put("updated_at", updatedAt);
            m.put("updated_by", updatedBy);
            return m;
        }
    }

    private final ElasticsearchClient es;
    private final StrictIndexes indexes;
    private final Registry.Files files;
    private final ObjectMapper json = new ObjectMapper();
    private volatile Registry current;
    private volatile boolean seeded;
    private ScheduledExecutorService refresher;

    public RegistryStore(ElasticsearchClient es, StrictIndexes indexes, Registry.Files files, Registry fromFiles) {
        this.es = es;
        this.indexes = indexes;
        this.files = files;
        this.current = fromFiles;
    }

    /** The registry as it stands (the index's, refreshed every 10 s; the files' until the index answered once). */
    public Registry current() {
        return current;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "registry-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }

    private void refreshQuietly() {
        try {
            if (!seeded) {
                seed();
            }
            reload();
        } catch (RuntimeException e) {
            LOG.warn("registry index not read ({}): the console goes on with the registry it has", e.getMessage());
        }
    }

    /** Brings the index up to the deployment's files ({@link #seed(Registry.Files)}). */
    public void seed() {
        seed(files);
    }

    /**
     * Brings the index up to {@code files}: an entry the index lacks is added; one that came from the
     * files and was never changed in the console follows the files (changed, or removed when the files
     * no longer have it); one an admin changed is kept, and the log names it where the files differ.
     */
    public synchronized void seed(Registry.Files files) {
        indexes.ensure(INDEX, MAPPING);
        Map<String, Entry> stored = new LinkedHashMap<>();
        list().forEach(e -> stored.put(e.type() + ":" + e.id(), e));
        int added = 0;
        int followed = 0;
        List<String> kept = new ArrayList<>();
        java.util.Set<String> inFiles = new java.util.HashSet<>();
        for (String type : List.of("subject", "device")) {
            for (JsonNode raw : (type.equals("subject") ? files.subjects().path("subjects") : files.devices().path("devices"))) {
                JsonNode n = normalised(raw);
                String id = n.path("id").asText();
                inFiles.add(type + ":" + id);
                Entry have = stored.get(type + ":" + id);
                if (have == null) {
                    if (create(type, id, n, "file", "deployment files")) {
                        added++;
                    }
                } else if (!have.entry().equals(n)) {
                    if ("file".equals(have.source())) {
                        write(type, id, n, have, "file", "deployment files");
                        followed++;
                    } else {
                        kept.add(type + " " + id + " (changed in the console by " + have.updatedBy() + ")");
                    }
                }
            }
        }
        int removed = 0;
        List<Entry> gone = stored.values().stream().filter(e -> "file".equals(e.source()) && !inFiles.contains(e.type() + ":" + e.id())).toList();
        // A subject still named by a device that stays (one an admin changed) stays too: removing it would leave
        // the registry invalid, and every later edit refused.
        java.util.Set<String> named = new java.util.HashSet<>();
        for (Entry e : stored.values()) {
            if (e.type().equals("device") && !gone.contains(e) && e.entry().hasNonNull("subject")) {
                named.add(e.entry().get("subject").asText());
            }
        }
        List<String> keptNamed = new ArrayList<>();
        for (Entry e : gone) {
            if (e.type().equals("subject") && named.contains(e.id())) {
                keptNamed.add(e.id());
                continue;
            }
            // The files' own entry, taken out of them: out of the registry too (an admin's entries stay).
            delete(e);
            removed++;
        }
        if (!keptNamed.isEmpty()) {
            LOG.warn("registry: subjects {} are no longer in the files but devices kept in the console still name them: kept", keptNamed);
        }
        seeded = true;
        LOG.info("registry index {}: from the files {} added, {} changed, {} removed", INDEX, added, followed, removed);
        if (!kept.isEmpty()) {
            LOG.warn("registry: kept the console's version where the files differ (paste the file's entry on the 登记 page to take it): {}", kept);
        }
    }

    /**
     * The entry as stored: an integer of 16 digits or more (an unquoted 身份证号 or 统一社会信用代码 in
     * YAML) as text, since a browser's JSON rounds it (330203199001011234 became ...200).
     */
    static JsonNode normalised(JsonNode n) {
        if (n.isIntegralNumber() && n.bigIntegerValue().abs().compareTo(java.math.BigInteger.TEN.pow(15)) >= 0) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(n.bigIntegerValue().toString());
        }
        if (n.isObject()) {
            var o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            n.fields().forEachRemaining(f -> o.set(f.getKey(), normalised(f.getValue())));
            return o;
        }
        if (n.isArray()) {
            var a = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            n.forEach(x -> a.add(normalised(x)));
            return a;
        }
        return n;
    }

    /** Rebuilds the snapshot from the index. */
    public synchronized void reload() {
        List<JsonNode> subjects = new ArrayList<>();
        List<JsonNode> devices = new ArrayList<>();
        for (Entry e : list()) {
            (e.type().equals("subject") ? subjects : devices).add(e.entry());
        }
        if (subjects.isEmpty() && devices.isEmpty()) {
            return; // not seeded yet: keep the files'
        }
        try {
            current = Registry.of(files.sample(), subjects, devices);
        } catch (CaseRules.Refused e) {
            // Only an edit made outside the console can do this (each edit here is validated whole).
            LOG.error("registry index refused, the console keeps the registry it had: {}", e.problems());
        }
    }

    /** Every stored entry, subjects first, by id. */
    @SuppressWarnings("rawtypes")
    public List<Entry> list() {
        return Docs.read(() -> {
            var r = es.search(s -> s.index(INDEX).size(10_000).seqNoPrimaryTerm(true).trackTotalHits(t -> t.enabled(true))
                    .sort(o -> o.field(f -> f.field("type").order(co.elastic.clients.elasticsearch._types.SortOrder.Desc)))
                    .sort(o -> o.field(f -> f.field("id").order(co.elastic.clients.elasticsearch._types.SortOrder.Asc))), Map.class);
            if (r.hits().total() != null && r.hits().total().value() > 10_000) {
                throw new IllegalStateException("the registry holds more than 10,000 entries, more than the console reads;"
                        + " it would judge devices past them unregistered");
            }
            List<Entry> out = new ArrayList<>();
            for (var h : r.hits().hits()) {
                Map<?, ?> src = h.source();
                out.add(new Entry(String.valueOf(src.get("type")), String.valueOf(src.get("id")), json.valueToTree(src.get("entry")),
                        String.valueOf(src.get("source")), src.get("revision") instanceof Number n ? n.longValue() : 0,
                        src.get("updated_at") instanceof Number n ? n.longValue() : 0, (String) src.get("updated_by"),
                        h.seqNo() + ":" + h.primaryTerm()));
            }
            return out;
        }, List.of());
    }

    /**
     * Stores an admin's entry: validated with the whole registry (refused with every problem, nothing
     * stored), created when {@code version} is null (409 if it exists), else written only over that
     * version (409 if someone changed it since).
     */
    public synchronized void save(String type, String id, JsonNode given, String version, String actor) {
        indexes.ensure(INDEX, MAPPING);
        JsonNode entry = normalised(given);
        List<Entry> stored = list();
        validate(stored, type, id, entry);
        if (version == null) {
            if (!create(type, id, entry, "console", actor)) {
                throw ApiException.conflict("exists", type + " " + id + " is registered already; load it and change it");
            }
        } else {
            Entry have = stored.stream().filter(e -> e.type().equals(type) && e.id().equals(id)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("no " + type + " " + id));
            write(type, id, entry, new Entry(have.type(), have.id(), have.entry(), have.source(), have.revision(), have.updatedAt(),
                    have.updatedBy(), version), "console", actor);
        }
        try {
            reload();
        } catch (RuntimeException e) {
            // Stored: the next refresh (10 s) takes it; the admin's change is not reported as failed.
            LOG.warn("registry: {} {} stored, the snapshot not rebuilt yet: {}", type, id, e.getMessage());
        }
    }

    /** Writes {@code entry} over {@code have} at {@code have.version()} only (409 when it moved on). */
    private void write(String type, String id, JsonNode entry, Entry have, String source, String actor) {
        String[] v = have.version().split(":");
        Map<String, Object> doc = doc(type, id, entry, source, have.revision() + 1, actor);
        try {
            es.index(i -> i.index(INDEX).id(type + ":" + id).ifSeqNo(Long.parseLong(v[0])).ifPrimaryTerm(Long.parseLong(v[1]))
                    .refresh(Refresh.True).document(doc));
        } catch (ElasticsearchException | IOException e) {
            if (Docs.versionConflict(e)) {
                throw ApiException.conflict("version_conflict", "someone changed " + type + " " + id
                        + " since you loaded it; reload and try again");
            }
            throw Docs.unavailable(e);
        }
    }

    private void delete(Entry e) {
        String[] v = e.version().split(":");
        try {
            es.delete(d -> d.index(INDEX).id(e.type() + ":" + e.id()).ifSeqNo(Long.parseLong(v[0])).ifPrimaryTerm(Long.parseLong(v[1]))
                    .refresh(Refresh.True));
        } catch (ElasticsearchException | IOException x) {
            if (!Docs.versionConflict(x)) {
                throw Docs.unavailable(x);
            }
        }
    }

    /** The registry with this entry in place of its own, validated whole: refused ({@link CaseRules.Refused}) with every problem. */
    public void validate(String type, String id, JsonNode entry) {
        validate(list(), type, id, entry);
    }

    private void validate(List<Entry> stored, String type, String id, JsonNode entry) {
        List<JsonNode> subjects = new ArrayList<>();
        List<JsonNode> devices = new ArrayList<>();
        for (Entry e : stored) {
            if (!(e.type().equals(type) && e.id().equals(id))) {
                (e.type().equals("subject") ? subjects : devices).add(e.entry());
            }
        }
        (type.equals("subject") ? subjects : devices).add(entry);
        Registry.of(files.sample(), subjects, devices);
    }

    private boolean create(String type, String id, JsonNode entry, String source, String actor) {
        Map<String, Object> doc = doc(type, id, entry, source, 1, actor);
        try {
            es.create(c -> c.index(INDEX).id(type + ":" + id).refresh(Refresh.True).document(doc));
            return true;
        } catch (ElasticsearchException | IOException e) {
            if (Docs.versionConflict(e)) {
                return false;
            }
            throw Docs.unavailable(e);
        }
    }

    private Map<String, Object> doc(String type, String id, JsonNode entry, String source, long revision, String actor) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", type);
        doc.put("id", id);
        doc.put("entry", json.convertValue(entry, Map.class));
        doc.put("source", source);
        doc.put("revision", revision);
        doc.put("updated_at", System.currentTimeMillis());
        doc.put("updated_by", actor);
        return doc;
    }
}

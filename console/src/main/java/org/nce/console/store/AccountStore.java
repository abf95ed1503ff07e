package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nce.console.web.ApiException;
import org.springframework.stereotype.Component;

/**
 * The accounts an admin keeps in the console, in {@code nce-users} (one document per user name,
 * the password only as its hash, never indexed). Every change is a conditional write on the version
 * the admin saw, so two admins editing one account never silently overwrite each other, and each
 * bumps the account's {@code revision}, which ends the sessions opened before it.
 */
@Component
public class AccountStore {
    public static final String INDEX = "nce-users";
    private static final String MAPPING = "{\"username\": {\"type\": \"keyword\"},"
            + " \"password\": {\"type\": \"keyword\", \"index\": false, \"doc_values\": false},"
            + " \"roles\": {\"type\": \"keyword\"}, \"enabled\": {\"type\": \"boolean\"}, \"revision\": {\"type\": \"long\"},"
            + " \"created_at\": {\"type\": \"date\", \"format\": \"epoch_millis\"}, \"created_by\": {\"type\": \"keyword\"},"
            + " \"updated_at\": {\"type\": \"date\", \"format\": \"epoch_millis\"}, \"updated_by\": {\"type\": \"keyword\"}}";

    /** One stored account; {@code version} is the {@code seq:term} it was read at. */
    public record Stored(String username, String passwordHash, List<String> roles, boolean enabled, long revision,
                         long createdAt, String createdBy, long updatedAt, String updatedBy, String version) {
        public Stored {
            roles = List.copyOf(roles);
        }

        /** Never the hash: a record's own toString would print it into any log that shows the account. */
        @Override
        public String toString() {
            return "Stored[" + username + ", roles " + roles + (enabled ? "" : ", disabled") + ", revision " + revision + "]";
        }

        public Stored with(String passwordHash, List<String> roles, boolean enabled) {
            return new Stored(username, passwordHash, roles, enabled, revision, createdAt, createdBy, updatedAt, updatedBy, version);
        }
    }

    private final ElasticsearchClient es;
    private final StrictIndexes indexes;

    public AccountStore(ElasticsearchClient es, StrictIndexes indexes) {
        this.es = es;
        this.indexes = indexes;
    }

    public Optional<Stored> find(String username) {
        return Docs.get(es, INDEX, username).map(AccountStore::stored);
    }

    /** Every stored account by name (an office has tens, not thousands: one page of 1,000). */
    @SuppressWarnings("rawtypes")
    public List<Stored> list() {
        return Docs.read(() -> {
            var r = es.search(s -> s.index(INDEX).size(1000).seqNoPrimaryTerm(true)
                    .sort(o -> o.field(f -> f.field("username").order(SortOrder.Asc))), Map.class);
            List<Stored> out = new ArrayList<>();
            for (var h : r.hits().hits()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> src = h.source();
                out.add(stored(new Docs(h.id(), src, h.seqNo() == null ? -1 : h.seqNo(), h.primaryTerm() == null ? -1 : h.primaryTerm())));
            }
            return out;
        }, List.of());
    }

    /** Creates the account; 409 when the name is taken. */
    public void create(String username, String passwordHash, List<String> roles, String actor) {
        indexes.ensure(INDEX, MAPPING);
        long now = System.currentTimeMillis();
        Map<String, Object> doc = doc(username, passwordHash, roles, true, 1, now, actor);
        doc.put("created_at", now);
        doc.put("created_by", actor);
        try {
            es.create(c -> c.index(INDEX).id(username).refresh(Refresh.True).document(doc));
        } catch (ElasticsearchException | IOException e) {
            if (Docs.versionConflict(e)) {
                throw ApiException.conflict("user_exists", "a user named " + username + " already exists");
            }
            throw Docs.unavailable(e);
        }
    }

    /**
     * Writes {@code changed} over the account if it is still at {@code changed.version()}; its revision
     * moves on, so sessions opened before end. 409 when someone changed it since.
     */
    public void update(Stored changed, String actor) {
        String[] v = changed.version().split(":");
        Map<String, Object> doc = doc(changed.username(), changed.passwordHash(), changed.roles(), changed.enabled(),
                changed.revision() + 1, System.currentTimeMillis(), actor);
        doc.put("created_at", changed.createdAt());
        doc.put("created_by", changed.createdBy());
        try {
            es.index(i -> i.index(INDEX).id(changed.username()).ifSeqNo(Long.parseLong(v[0])).ifPrimaryTerm(Long.parseLong(v[1]))
                    .refresh(Refresh.True).document(doc));
        } catch (ElasticsearchException | IOException e) {
            if (Docs.versionConflict(e)) {
                throw ApiException.conflict("version_conflict", "someone changed user " + changed.username()
                        + " since you loaded it; reload and try again");
            }
            throw Docs.unavailable(e);
        }
    }

    private static Map<String, Object> doc(String username, String hash, List<String> roles, boolean enabled, long revision, long at,
                                           String actor) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("username", username);
        doc.put("password", hash);
        doc.put("roles", roles);
        doc.put("enabled", enabled);
        doc.put("revision", revision);
        doc.put("updated_at", at);
        doc.put("updated_by", actor);
        return doc;
    }

    @SuppressWarnings("unchecked")
    private static Stored stored(Docs d) {
        Map<String, Object> s = d.source();
        return new Stored(d.id(), (String) s.get("password"), (List<String>) s.getOrDefault("roles", List.of()),
                Boolean.TRUE.equals(s.get("enabled")), ((Number) s.getOrDefault("revision", 0)).longValue(),
                ((Number) s.getOrDefault("created_at", 0)).longValue(), (String) s.get("created_by"),
                ((Number) s.getOrDefault("updated_at", 0)).longValue(), (String) s.get("updated_by"), d.version());
    }
}

package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.GetResponse;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.nce.console.web.ApiException;

/** A document with the sequence number and primary term it was read at, for a conditional write. */
public record Docs(String id, Map<String, Object> source, long seqNo, long primaryTerm) {

    /** The version a client sends back to say "change it only if nobody has since": {@code seq:term}. */
    public String version() {
        return seqNo + ":" + primaryTerm;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static Optional<Docs> get(ElasticsearchClient es, String index, String id) {
        try {
            GetResponse<Map> r = es.get(g -> g.index(index).id(id).realtime(true), Map.class);
            if (!r.found()) {
                return Optional.empty();
            }
            return Optional.of(new Docs(r.id(), new HashMap<>(r.source()), r.seqNo(), r.primaryTerm()));
        } catch (ElasticsearchException e) {
            if (missingIndex(e)) {
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    /** A read from Elasticsearch. */
    public interface Read<T> {
        T get() throws IOException;
    }

    /**
     * Runs a read: an index that does not exist yet (the pipeline has not run) reads as
     * {@code whenNoIndex}; any other failure is a 503 with a plain message, the details in the log.
     */
    public static <T> T read(Read<T> read, T whenNoIndex) {
        try {
            return read.get();
        } catch (ElasticsearchException e) {
            if (missingIndex(e)) {
                return whenNoIndex;
            }
            if (e.status() == 400) {
                org.slf4j.LoggerFactory.getLogger(Docs.class).info("Elasticsearch refused a search: {}", e.getMessage());
                throw ApiException.badRequest("query_refused", "the search was refused as asked (a page too deep?); narrow it");
            }
            throw unavailable(e);
        } catch (IOException e) {
            throw unavailable(e);
        }
    }

    static boolean missingIndex(ElasticsearchException e) {
        return e.error() != null && "index_not_found_exception".equals(e.error().type());
    }

    /**
     * Whether Elasticsearch refused a conditional write because the document changed (409). The
     * client reports it as an ElasticsearchException or, for some calls, as a transport error
     * wrapping the REST client's ResponseException.
     */
    static boolean versionConflict(Exception e) {
        if (e instanceof ElasticsearchException ee) {
            return ee.status() == 409;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.elasticsearch.client.ResponseException r && r.getResponse().getStatusLine().getStatusCode() == 409) {
                return true;
            }
            if (t instanceof co.elastic.clients.transport.TransportException te && te.statusCode() == 409) {
                return true;
            }
        }
        return false;
    }

    /** A shard that is still starting or recovering (an index just created): a 503 worth waiting a moment for. */
    static boolean shardNotReady(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("no_shard_available_action_exception") || m.contains("illegal_index_shard_state_exception")
                    || m.contains("unavailable_shards_exception"))) {
                return true;
            }
        }
        return false;
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
    }

    static ApiException unavailable(Exception e) {
        org.slf4j.LoggerFactory.getLogger(Docs.class).warn("Elasticsearch: {}", e.toString());
        return ApiException.unavailable("the case store (Elasticsearch) did not answer; try again in a moment");
    }
}

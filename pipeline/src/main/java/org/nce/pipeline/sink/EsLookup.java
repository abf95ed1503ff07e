package org.nce.pipeline.sink;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;
import org.nce.pipeline.io.RetryPolicy;

/**
 * What the job's Elasticsearch look-ups share: a client opened on the task, closed with it, and one
 * read that rides out an Elasticsearch restart ({@link #RETRY}, about 90 s) before it fails the
 * task, a missing index being "nothing there".
 */
abstract class EsLookup implements Serializable {
    private static final long serialVersionUID = 1L;
    static final RetryPolicy RETRY = new RetryPolicy(20, 200, 5_000);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EsLookup.class);

    private final String url;
    transient Es.Handle es;

    EsLookup(String url) {
        this.url = url;
    }

    public void open() {
        es = Es.connect(url);
    }

    public void close() throws IOException {
        if (es != null) {
            es.close();
        }
    }

    interface Read<T> {
        Optional<T> run() throws IOException;
    }

    <T> Optional<T> read(String what, Read<T> read) throws IOException {
        return RETRY.call("Elasticsearch: " + what, () -> {
            try {
                return read.run();
            } catch (ElasticsearchException e) {
                if (e.status() == 404) {
                    return Optional.<T>empty();
                }
                throw e;
            }
        }, EsSink::classify, LOG);
    }
}

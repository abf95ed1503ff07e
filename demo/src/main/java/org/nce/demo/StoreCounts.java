package org.nce.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** How many documents each index holds, for the demo's progress line (404: none yet). */
final class StoreCounts {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final String esUrl;

    StoreCounts(String esUrl) {
        this.esUrl = esUrl;
    }

    long count(String index) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(esUrl + "/" + index + "/_count")).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return 0;
        }
        if (r.statusCode() != 200) {
            throw new IOException(index + " count: HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body()).path("count").asLong();
    }
}

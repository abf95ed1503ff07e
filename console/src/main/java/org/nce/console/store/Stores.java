package org.nce.console.store;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.MinioClient;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.nce.console.ConsoleProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The two stores the console talks to. */
@Configuration(proxyBeanMethods = false)
public class Stores {
    @Bean(destroyMethod = "close")
    RestClient elasticsearchRest(ConsoleProperties p) {
        var b = RestClient.builder(HttpHost.create(p.esUrl()))
                .setRequestConfigCallback(c -> c.setConnectTimeout(3_000).setSocketTimeout(15_000));
        if (p.esUsername() != null && !p.esUsername().isBlank()) {
            // Where Elasticsearch security is on: the console's own user (create_doc only on nce-audit, docs/console.md).
            var credentials = new org.apache.http.impl.client.BasicCredentialsProvider();
            credentials.setCredentials(org.apache.http.auth.AuthScope.ANY,
                    new org.apache.http.auth.UsernamePasswordCredentials(p.esUsername(), p.esPassword() == null ? "" : p.esPassword()));
            b.setHttpClientConfigCallback(h -> h.setDefaultCredentialsProvider(credentials));
        }
        return b.build();
    }

    @Bean
    ElasticsearchClient elasticsearch(RestClient rest) {
        ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper(mapper)));
    }

    @Bean
    MinioClient minio(ConsoleProperties p) {
        if (p.s3AccessKey() == null || p.s3AccessKey().isBlank() || p.s3SecretKey() == null || p.s3SecretKey().isBlank()) {
            throw new IllegalStateException("NCE_S3_ACCESS_KEY and NCE_S3_SECRET_KEY must be set (the evidence store's keys)");
        }
        return MinioClient.builder().endpoint(p.s3Endpoint()).credentials(p.s3AccessKey(), p.s3SecretKey()).region("us-east-1").build();
    }
}

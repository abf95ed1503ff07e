package org.nce.demo;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 broker inside the demo process (HiveMQ CE embedded) for when no broker is configured.
 * It listens on loopback only and checks users and topics as the project's Mosquitto does: a
 * password per user (held as hashes, see {@link BrokerPasswords}) and the ACL of {@link BrokerAcl},
 * so another program on the host cannot forge a site's readings or act as the pipeline.
 * <p>
 * Refusals, as Mosquitto gives them to an MQTT 5 client: a connection without a user name gets
 * CONNACK 0x87 (not authorized), an unknown user or a wrong password 0x86 (bad user name or password);
 * a publish outside the user's topics is dropped (never delivered) and, at QoS 1, answered with
 * PUBACK 0x87; such a subscription gets SUBACK 0x87. Unlike Mosquitto, HiveMQ CE then also
 * disconnects the publisher (DISCONNECT 0x87, fixed in its IncomingPublishService): a gateway
 * configured with the wrong site would reconnect and be thrown out again, and its log says why.
 */
final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** Where the authenticator leaves the user name for the authorizers (a per-connection store). */
    private static final String USER_ATTRIBUTE = "nce.mqtt.user";

    private final EmbeddedHiveMQ hivemq;

    /**
     * Starts the broker on 127.0.0.1:{@code port}.
     *
     * @param passwordsByUser every user that may log in, with its plain password (from the environment);
     *                        only hashes are kept
     * @param sites           the site ids among those users: each may publish and subscribe only under
     *                        {@code nce/<site>/#}. {@code nce-pipeline} reads {@code nce/#}, {@code nce-admin}
     *                        reads and writes it; any other user may log in but do nothing.
     */
    EmbeddedBroker(Path home, int port, Map<String, String> passwordsByUser, Set<String> sites) throws IOException {
        for (String site : sites) {
            if (!passwordsByUser.containsKey(site)) {
                throw new IllegalArgumentException("site " + site + " has no password");
            }
        }
        BrokerAcl acl = new BrokerAcl(sites);
        BrokerPasswords passwords = new BrokerPasswords(passwordsByUser);
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <mqtt>
                    <packets><max-packet-size>10485760</max-packet-size></packets>
                  </mqtt>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        EmbeddedExtension access = EmbeddedExtension.builder()
                .withId("nce-access").withName("NCE users and ACL").withVersion("1")
                .withExtensionMain(new AccessExtension(acl, passwords))
                .build();
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                .withEmbeddedExtension(access)
                .withoutLoggingBootstrap()
                .build();
        hivemq.start().join();
    }

    @Override
    public void close() throws Exception {
        hivemq.stop().join();
        hivemq.close();
    }

    /** Registers the authenticator and the authorizers when HiveMQ starts, before the listener accepts anyone. */
    private static final class AccessExtension implements ExtensionMain {
        private final BrokerAcl acl;
        private final BrokerPasswords passwords;

        AccessExtension(BrokerAcl acl, BrokerPasswords passwords) {
            this.acl = acl;
            this.passwords = passwords;
        }

        @Override
        public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
            Authenticator authenticator = new Authenticator(passwords);
            Authorizer authorizer = new Authorizer(acl);
            Services.securityRegistry().setAuthenticatorProvider(input -> authenticator);
            Services.securityRegistry().setAuthorizerProvider(input -> authorizer);
        }

        @Override
        public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
            // HiveMQ drops the providers with the extension.
        }
    }

    private static final class Authenticator implements SimpleAuthenticator {
        private final BrokerPasswords passwords;

        Authenticator(BrokerPasswords passwords) {
            this.passwords = passwords;
        }

        @Override
        public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
            ConnectPacket connect = input.getConnectPacket();
            Optional<String> user = connect.getUserName();
            if (user.isEmpty()) {
                output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "a user name and password are required");
                return;
            }
            // The hash takes a good part of a second on a busy core: off HiveMQ's own threads.
            Async<SimpleAuthOutput> async = output.async(Duration.ofSeconds(10), TimeoutFallback.FAILURE,
                    ConnackReasonCode.SERVER_BUSY, "password check timed out");
            Services.extensionExecutorService().submit(() -> {
                try {
                    if (connect.getPassword().isPresent() && passwords.check(user.get(), connect.getPassword().get())) {
                        input.getConnectionInformation().getConnectionAttributeStore().putAsString(USER_ATTRIBUTE, user.get());
                        output.authenticateSuccessfully();
                    } else {
                        LOG.info("MQTT client {} refused: bad user name or password (user {})", connect.getClientId(), user.get());
                        output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad user name or password");
                    }
                } finally {
                    async.resume();
                }
            });
        }
    }

    private static final class Authorizer implements PublishAuthorizer, SubscriptionAuthorizer {
        private final BrokerAcl acl;

        Authorizer(BrokerAcl acl) {
            this.acl = acl;
        }

        @Override
        public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
            String topic = input.getPublishPacket().getTopic();
            if (acl.mayPublish(user(input), topic)) {
                output.authorizeSuccessfully();
            } else {
                LOG.debug("publish of {} to {} denied", user(input), topic);
                output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "not allowed to publish to " + topic);
            }
        }

        @Override
        public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
            String filter = input.getSubscription().getTopicFilter();
            if (acl.maySubscribe(user(input), filter)) {
                output.authorizeSuccessfully();
            } else {
                LOG.debug("subscription of {} to {} denied", user(input), filter);
                output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "not allowed to subscribe to " + filter);
            }
        }

        private static String user(ClientBasedInput input) {
            return input.getConnectionInformation().getConnectionAttributeStore().getAsString(USER_ATTRIBUTE).orElse("");
        }
    }
}

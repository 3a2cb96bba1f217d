package io.ordo.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens {@link RabbitQueueTransport}s for {@code amqp://USER:PASS@HOST:PORT/VHOST} and
 * {@code amqps://...} URLs (the default virtual host is {@code /}, written {@code %2F} or left out).
 * The client's URL parameters ({@code heartbeat}, {@code connection_timeout}, {@code channel_max})
 * override the defaults here; {@code prefix=NAME} (default {@code ordo}) starts the name of every
 * queue and exchange the transport declares, so that several Ordo clusters can share one virtual
 * host (pick prefixes that are not prefixes of each other).
 */
public final class RabbitTransportProvider implements QueueTransportProvider {
    /** Short, so that an unreachable broker fails a start or a call quickly. */
    static final int CONNECT_TIMEOUT_MS = 3_000;
    static final int HANDSHAKE_TIMEOUT_MS = 5_000;
    /** Finds a silently dead connection within about two beats. */
    static final int HEARTBEAT_SECONDS = 10;
    /** The client waits 10 minutes for an answer by default: far too long for a claim loop. */
    static final int RPC_TIMEOUT_MS = 10_000;
    static final long RECOVERY_INTERVAL_MS = 2_000;
    private static final AtomicInteger THREADS = new AtomicInteger();

    @Override
    public List<String> schemes() {
        return List.of("amqp", "amqps");
    }

    @Override
    public QueueTransport open(URI url, TransportSettings settings) {
        String shown = redact(url);
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes().contains(scheme)) throw invalid(shown, "is not an amqp:// or amqps:// URL");
        if (url.isOpaque() || url.getHost() == null || url.getHost().isBlank()) {
            throw invalid(shown, "names no valid host (use amqp://USER:PASS@HOST:PORT/VHOST)");
        }
        ConnectionFactory factory = defaults();
        try {
            if (scheme.equals("amqps")) {
                // without this the client would trust any certificate
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            }
            factory.setUri(url);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            String why = String.valueOf(e.getMessage());
            // the decoder quotes what it could not decode, which may be part of the password
            if (why.contains("URLDecoder")) why = "a %-escape is malformed";
            throw invalid(shown, "is malformed: " + why);
        }
        // amqp://host/ names the virtual host "", which nobody has: take it for the default one
        if (factory.getVirtualHost().isEmpty()) factory.setVirtualHost("/");
        QueueNames names;
        try {
            names = new QueueNames(parameter(url, "prefix").orElse(QueueNames.DEFAULT_PREFIX));
        } catch (IllegalArgumentException e) {
            throw invalid(shown, e.getMessage());
        }
        return RabbitQueueTransport.open(factory, describe(scheme, url.getHost(), factory), settings, names);
    }

    private static ConnectionFactory defaults() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
        factory.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        factory.setHandshakeTimeout(HANDSHAKE_TIMEOUT_MS);
        factory.setRequestedHeartbeat(HEARTBEAT_SECONDS);
        factory.setChannelRpcTimeout(RPC_TIMEOUT_MS);
        factory.setShutdownTimeout(2_000);
        // daemon threads: a transport left open does not keep the JVM alive
        factory.setThreadFactory(r -> {
            Thread t = new Thread(r, "ordo-rabbitmq-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return factory;
    }

    /** amqp://HOST:PORT/VHOST, with the default virtual host as an empty path. */
    static String describe(String scheme, String host, ConnectionFactory factory) {
        String vhost = factory.getVirtualHost();
        return scheme + "://" + host + ":" + factory.getPort() + "/"
                + (vhost.equals("/") ? "" : URLEncoder.encode(vhost, StandardCharsets.UTF_8));
    }

    /**
     * The URL with its password masked. Unlike {@link QueueTransportProvider#redact}, this masks up to
     * the last '@' of the authority, so an unescaped '@' in a password does not show its tail.
     */
    static String redact(URI url) {
        String text = url.toString();
        String authority = url.getRawAuthority();
        int at = authority == null ? -1 : authority.lastIndexOf('@');
        if (at < 0) return QueueTransportProvider.redact(text);
        String userInfo = authority.substring(0, at);
        int colon = userInfo.indexOf(':');
        String masked = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***";
        return text.replace(authority, masked + authority.substring(at));
    }

    private static Optional<String> parameter(URI url, String name) {
        String query = url.getRawQuery();
        if (query == null) return Optional.empty();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private static InvalidRequestException invalid(String shown, String problem) {
        return new InvalidRequestException("queue backend URL '" + shown + "' " + problem);
    }
}

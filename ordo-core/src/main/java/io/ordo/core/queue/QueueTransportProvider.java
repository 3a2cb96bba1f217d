package io.ordo.core.queue;

import io.ordo.core.InvalidRequestException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Opens a transport from a URL ({@code redis://HOST:PORT}, {@code amqp://USER:PASS@HOST:PORT/VHOST}).
 * Found with {@link ServiceLoader}, like the stores, so the engine never imports a broker client.
 */
public interface QueueTransportProvider {
    /** The URL schemes it opens, e.g. {@code redis}, {@code rediss}. */
    List<String> schemes();

    /**
     * Connects and checks the broker answers. Throws {@link InvalidRequestException} for a URL it
     * cannot use and {@link TransportUnavailableException} (naming the broker, never the password)
     * when the broker cannot be reached or refuses the credentials.
     */
    QueueTransport open(URI url, TransportSettings settings);

    /** The provider for {@code url}'s scheme, connected; a clear error for a malformed URL or an unknown scheme. */
    static QueueTransport openUrl(String url, TransportSettings settings) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("queue backend URL '" + redact(url) + "' is malformed: " + e.getReason());
        }
        if (uri.getScheme() == null) {
            throw new InvalidRequestException("queue backend URL '" + redact(url) + "' has no scheme (use jdbc, redis://HOST:PORT or amqp://USER:PASS@HOST:PORT)");
        }
        List<String> known = new ArrayList<>();
        for (QueueTransportProvider p : ServiceLoader.load(QueueTransportProvider.class)) {
            if (p.schemes().contains(uri.getScheme().toLowerCase(java.util.Locale.ROOT))) return p.open(uri, settings);
            known.addAll(p.schemes());
        }
        throw new InvalidRequestException("no queue backend for '" + uri.getScheme() + ":' (supported: jdbc"
                + (known.isEmpty() ? "" : ", " + String.join(", ", known))
                + "; the redis and amqp transports are in the ordo-redis and ordo-rabbitmq modules)");
    }

    /** The URL without the password of its user-info, for messages. */
    static String redact(String url) {
        if (url == null) return null;
        int scheme = url.indexOf("://");
        if (scheme < 0) return url;
        int start = scheme + 3;
        int slash = url.indexOf('/', start);
        String authority = slash < 0 ? url.substring(start) : url.substring(start, slash);
        int at = authority.lastIndexOf('@'); // a password may hold an unescaped '@': mask up to the last one
        if (at < 0) return url;
        String userInfo = authority.substring(0, at);
        int colon = userInfo.indexOf(':');
        String shown = colon < 0 ? userInfo : userInfo.substring(0, colon) + ":***";
        return url.substring(0, start) + shown + authority.substring(at) + (slash < 0 ? "" : url.substring(slash));
    }
}

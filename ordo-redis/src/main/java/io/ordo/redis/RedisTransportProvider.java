package io.ordo.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;
import io.ordo.core.queue.TransportUnavailableException;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * {@code redis://[[USER]:PASSWORD@]HOST[:PORT][/DB][?timeout=5s]} and {@code rediss://...} (TLS),
 * parsed by Lettuce. Commands time out after 5 s unless the URL says otherwise.
 */
public final class RedisTransportProvider implements QueueTransportProvider {
    private static final List<String> SCHEMES = List.of(RedisURI.URI_SCHEME_REDIS, RedisURI.URI_SCHEME_REDIS_SECURE);

    @Override
    public List<String> schemes() {
        return SCHEMES;
    }

    @Override
    public QueueTransport open(URI url, TransportSettings settings) {
        try {
            return RedisQueueTransport.connect(parse(url), settings);
        } catch (TransportUnavailableException e) {
            String scrubbed = scrub(e.getMessage(), url);
            if (scrubbed.equals(e.getMessage())) throw e;
            // a broker's reply echoed the password: keep it out of the message and of the cause chain
            throw new TransportUnavailableException(scrubbed);
        }
    }

    /** Lettuce's reading of {@code url}, or an {@link InvalidRequestException} saying what is wrong with it. */
    static RedisURI parse(URI url) {
        String shown = QueueTransportProvider.redact(url.toString());
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new InvalidRequestException("queue backend URL '" + shown + "' is not a Redis URL (use redis://HOST:PORT/DB or rediss://...)");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            // java.net.URI leaves the host out when the authority does not parse, e.g. a port that is not a number
            throw new InvalidRequestException("queue backend URL '" + shown + "' has no usable host and port (use redis://HOST:PORT/DB)");
        }
        String path = url.getPath() == null ? "" : url.getPath();
        if (!path.matches("/?\\d*")) {
            throw new InvalidRequestException("queue backend URL '" + shown + "' has database '" + path.replaceFirst("^/", "")
                    + "' (use a number, as in redis://HOST:PORT/0)");
        }
        String timeout = queryParameter(url, RedisURI.PARAMETER_NAME_TIMEOUT);
        if (timeout != null && !timeout.matches("\\d+(ns|us|ms|s|m|h|d)?")) {
            // Lettuce would ignore it silently and wait a minute on every stuck command
            throw new InvalidRequestException("queue backend URL '" + shown + "' has timeout '" + timeout + "' (use e.g. timeout=5s or timeout=500ms)");
        }
        RedisURI uri;
        try {
            // Lettuce only knows its schemes in lower case
            uri = RedisURI.create(URI.create(scheme + url.toString().substring(url.getScheme().length())));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("queue backend URL '" + shown + "' is not a usable Redis URL: "
                    + scrub(String.valueOf(e.getMessage()), url));
        }
        if (uri.getPort() < 1 || uri.getPort() > 65_535) {
            throw new InvalidRequestException("queue backend URL '" + shown + "' has port " + uri.getPort() + " (use 1 to 65535)");
        }
        if (timeout == null) {
            uri.setTimeout(RedisQueueTransport.COMMAND_TIMEOUT); // Lettuce's own default is a minute
        }
        return uri;
    }

    private static String queryParameter(URI url, String name) {
        if (url.getRawQuery() == null) return null;
        for (String pair : url.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equalsIgnoreCase(name)) return pair.substring(eq + 1);
        }
        return null;
    }

    /** What to throw when connecting failed: bad credentials and an unreachable broker read differently. */
    static TransportUnavailableException connectFailure(RuntimeException failure, String broker) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException reply && isAuthFailure(reply.getMessage())) {
                return new TransportUnavailableException("Redis at " + broker + " refused the credentials: " + reply.getMessage(), reply);
            }
        }
        Throwable cause = RedisCalls.unwrap(failure);
        if (cause instanceof TransportUnavailableException t) return t;
        return new TransportUnavailableException("cannot reach Redis at " + broker + ": " + RedisCalls.reason(cause), cause);
    }

    private static boolean isAuthFailure(String reply) {
        return reply != null && (reply.startsWith("WRONGPASS") || reply.startsWith("NOAUTH") || reply.startsWith("ERR AUTH")
                || reply.toLowerCase(Locale.ROOT).contains("invalid password"));
    }

    /** {@code message} with the URL's password (if any) masked: for messages built from someone else's text. */
    static String scrub(String message, URI url) {
        String info = url.getUserInfo();
        if (message == null || info == null || !info.contains(":")) return message;
        String password = info.substring(info.indexOf(':') + 1);
        return password.isEmpty() ? message : message.replace(password, "***");
    }
}

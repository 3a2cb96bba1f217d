package io.ordo.rabbitmq;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import io.ordo.core.queue.TransportUnavailableException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * Turns the client's exceptions into {@link TransportUnavailableException}s that name the broker by
 * its description (never its password: the client's own messages do not carry it either).
 */
final class Failures {
    private Failures() {
    }

    /** The broker refused or failed {@code doing} (e.g. "publish", "declare queue x"). */
    static TransportUnavailableException failed(String broker, String doing, Throwable e) {
        return new TransportUnavailableException("RabbitMQ at " + broker + " failed to " + doing + ": " + reason(e), e);
    }

    /** Opening the connection failed. */
    static TransportUnavailableException connecting(String broker, String user, Throwable e) {
        if (e instanceof AuthenticationFailureException) {
            return new TransportUnavailableException("RabbitMQ at " + broker + " refused the credentials (ACCESS_REFUSED) of user '" + user + "'", e);
        }
        if (e instanceof PossibleAuthenticationFailureException) {
            return new TransportUnavailableException("RabbitMQ at " + broker + " closed the connection while logging in user '" + user + "': check the credentials", e);
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException || e instanceof UnknownHostException
                || e instanceof SocketTimeoutException || e instanceof TimeoutException) {
            return new TransportUnavailableException("cannot reach RabbitMQ at " + broker + ": " + reason(e), e);
        }
        ShutdownSignalException s = signal(e);
        if (s != null && s.getReason() instanceof com.rabbitmq.client.AMQP.Connection.Close) {
            return new TransportUnavailableException("RabbitMQ at " + broker + " refused the connection: " + reason(e), e);
        }
        if (s != null) {
            return new TransportUnavailableException("cannot reach RabbitMQ at " + broker + ": the connection closed during the handshake (is it an AMQP port?)", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return new TransportUnavailableException("cannot reach RabbitMQ at " + broker + ": TLS handshake failed: " + reason(t), e);
            }
        }
        return new TransportUnavailableException("cannot reach RabbitMQ at " + broker + ": " + reason(e), e);
    }

    /** The channel or connection was closed by the broker with this reply code (404 NOT_FOUND, 406 PRECONDITION_FAILED...). */
    static boolean hasCode(Throwable e, int code) {
        ShutdownSignalException s = signal(e);
        return s != null && s.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close && close.getReplyCode() == code;
    }

    /** The broker closed a channel, not the connection: it refused one operation (a 4xx reply). */
    static boolean isChannelError(Throwable e) {
        ShutdownSignalException s = signal(e);
        return s != null && !s.isHardError() && !s.isInitiatedByApplication();
    }

    static String reason(Throwable e) {
        ShutdownSignalException s = signal(e);
        if (s != null) {
            Method m = s.getReason();
            if (m instanceof com.rabbitmq.client.AMQP.Channel.Close c) return c.getReplyText();
            if (m instanceof com.rabbitmq.client.AMQP.Connection.Close c) return c.getReplyText();
            return s.isHardError() ? "connection closed" : "channel closed";
        }
        if (e instanceof UnknownHostException) return "unknown host " + e.getMessage();
        if (e instanceof TimeoutException) return "timed out" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        if (e instanceof SocketTimeoutException) return "connect timed out";
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : msg;
    }

    private static ShutdownSignalException signal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s) return s; // AlreadyClosedException too
        }
        return null;
    }
}

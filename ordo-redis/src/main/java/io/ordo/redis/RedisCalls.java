package io.ordo.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.ordo.core.queue.TransportUnavailableException;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for Lettuce's futures with a bound, and turning its failures into Ordo's: an error reply
 * from Redis stays a {@link RedisCommandExecutionException} (the callers recover from some, such
 * as NOGROUP), anything else means the broker is out of reach.
 */
final class RedisCalls {
    private RedisCalls() {
    }

    static <T> T await(Future<T> future, Duration timeout, String broker) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new TransportUnavailableException("Redis at " + broker + " did not answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(false);
            throw new TransportUnavailableException("interrupted while waiting for Redis at " + broker, e);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            throw translate(e, broker);
        }
    }

    /** The error to throw for a failed call: Redis's own error reply as is, otherwise unavailable. */
    static RuntimeException translate(Throwable failure, String broker) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RedisCommandExecutionException reply) return reply;
        if (cause instanceof TransportUnavailableException unavailable) return unavailable;
        return new TransportUnavailableException("cannot reach Redis at " + broker + ": " + reason(cause), cause);
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) t = t.getCause();
        return t;
    }

    /** The innermost message of a failure, without the socket address Netty appends (the broker is named already). */
    static String reason(Throwable failure) {
        Throwable t = failure;
        String message = null;
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) message = t.getMessage();
        }
        if (message == null) return failure.getClass().getSimpleName();
        return message.replaceFirst(": [^\\s:]*/[0-9a-fA-F.:\\[\\]]+$", "").strip();
    }

    static boolean isNoGroup(Throwable failure) {
        return replyStartsWith(failure, "NOGROUP");
    }

    private static boolean replyStartsWith(Throwable failure, String code) {
        Throwable cause = unwrap(failure);
        return cause instanceof RedisCommandExecutionException && cause.getMessage() != null
                && (cause.getMessage().startsWith(code) || cause.getMessage().contains(" " + code + " "));
    }

    static boolean isBusyGroup(Throwable failure) {
        return replyStartsWith(failure, "BUSYGROUP");
    }
}

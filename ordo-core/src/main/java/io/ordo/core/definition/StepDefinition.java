package io.ordo.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.model.ChildPolicy;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One step of a {@link JobDefinition}.
 *
 * @param config         the action's configuration, variables not yet substituted
 * @param depends        steps that must be done first
 * @param alwaysRun      run even when a dependency failed or the run is failing
 * @param onError        what a failure of this step does to the run
 * @param retry          with {@code on_error: retry}: how often and how long to wait (null: 3 attempts, 1s)
 * @param timeout        the whole step, children included (null: none)
 * @param errorTolerance how many failed children the step tolerates, and then what (null: none tolerated)
 * @param cache          reuse a completed step's result with the same key within the TTL (null: no cache)
 * @param maxChildren    most jobs the step may spawn in all (its scope), on top of the action's own limit
 * @param maxDepth       how many levels below the step its jobs may spawn
 * @param requires       capabilities a node needs to run the step's job ({@code gpu: 1}); null: none.
 *                       The jobs the step's action spawns do not inherit them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepDefinition(
        String name,
        String action,
        ObjectNode config,
        List<String> depends,
        @JsonProperty("always_run") boolean alwaysRun,
        @JsonProperty("on_error") OnError onError,
        RetrySpec retry,
        Duration timeout,
        @JsonProperty("error_tolerance") ErrorTolerance errorTolerance,
        CacheSpec cache,
        @JsonProperty("max_children") Integer maxChildren,
        @JsonProperty("max_depth") Integer maxDepth,
        java.util.Map<String, String> requires) {

    public StepDefinition {
        depends = depends == null ? List.of() : List.copyOf(depends);
        if (onError == null) onError = OnError.FAIL;
        requires = requires == null || requires.isEmpty() ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(requires));
    }

    /** A step without requirements. */
    public StepDefinition(String name, String action, ObjectNode config, List<String> depends, boolean alwaysRun, OnError onError,
                          RetrySpec retry, Duration timeout, ErrorTolerance errorTolerance, CacheSpec cache, Integer maxChildren,
                          Integer maxDepth) {
        this(name, action, config, depends, alwaysRun, onError, retry, timeout, errorTolerance, cache, maxChildren, maxDepth, null);
    }

    public enum OnError {
        FAIL, CONTINUE, RETRY;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static OnError fromWire(String s) {
            for (OnError o : values()) if (o.wireName().equals(s)) return o;
            throw new IllegalArgumentException("'" + s + "' is not one of fail, continue, retry");
        }
    }

    /** @param backoff wait before attempt n+1 is {@code backoff * 2^(n-1)} */
    public record RetrySpec(@JsonProperty("max_attempts") int maxAttempts, Duration backoff) {
        public static final RetrySpec DEFAULT = new RetrySpec(3, Duration.ofSeconds(1));
    }

    public record ErrorTolerance(@JsonProperty("max_child_failures") int maxChildFailures, ChildPolicy.Action action) {
    }

    public record CacheSpec(String key, Duration ttl) {
    }

    public RetrySpec retryOrDefault() {
        return retry == null ? RetrySpec.DEFAULT : retry;
    }
}

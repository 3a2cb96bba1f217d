package io.ordo.core.handler;

import java.time.Duration;

/**
 * Defaults of a job type, used where a submitted job does not set its own. Null: the engine default.
 */
public record JobTypeOptions(Integer maxAttempts, Duration timeout, Duration backoffBase, Duration backoffCap) {
    public static final JobTypeOptions DEFAULTS = new JobTypeOptions(null, null, null, null);
}

package io.ordo.core.store;

import io.ordo.core.model.Job;

/**
 * The job a submit resolved to.
 *
 * @param created false when a live job with the same unique key, or a completed job with the same
 *                cache key, was returned instead of creating one
 */
public record SubmitResult(Job job, boolean created) {
}

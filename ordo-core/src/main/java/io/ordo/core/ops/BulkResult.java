package io.ordo.core.ops;

import java.util.List;
import java.util.UUID;

/**
 * What a bulk action did: every matched job was tried; those that could not be acted on are
 * listed with the reason (e.g. a completed job cannot be cancelled).
 */
public record BulkResult(String action, int matched, int succeeded, List<Failure> failed) {
    public BulkResult {
        failed = List.copyOf(failed);
    }

    public record Failure(UUID jobId, String code, String message) {
    }
}

package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Lease;
import io.ordo.core.model.Page;
import io.ordo.core.model.ResultScope;
import io.ordo.core.model.SavedResult;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * The results jobs save while they run: several per job, appended, paged newest first, counted per
 * tree and expired by TTL. Pruning or deleting a job deletes its saved results.
 */
public interface ResultStore {

    /**
     * Appends a saved result to the job running under {@code lease} and makes {@code data} the job's
     * main result (as {@link RunStore#saveResult} does), in one transaction. {@code expiresAt} null:
     * it expires the job's result TTL after {@code now} (never when the job has none).
     *
     * @return the saved result's id; empty (nothing written) if the lease was lost
     */
    OptionalLong appendResult(Lease lease, JsonNode data, String title, String reference, Instant expiresAt, Instant now);

    /**
     * The saved results in {@code scope}, newest first; {@code cursor} is a previous page's
     * {@code nextCursor} (null for the first page).
     *
     * @throws io.ordo.core.InvalidRequestException when the cursor is not one this method returned
     */
    Page<SavedResult> savedResults(ResultScope scope, String cursor, int limit);

    /** How many results are saved in {@code scope} (one indexed count). */
    long countSavedResults(ResultScope scope);

    /** Deletes up to {@code limit} saved results whose expiry is at or before {@code now}; returns how many. */
    int deleteExpiredResults(Instant now, int limit);
}

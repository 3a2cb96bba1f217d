package io.ordo.core.store;

import io.ordo.core.definition.StoredDefinition;
import io.ordo.core.model.NewJob;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stored job definitions and the ticks of their schedules.
 */
public interface DefinitionStore {

    /** Creates or replaces a definition (by id); the store sets version, createdAt and updatedAt. */
    StoredDefinition saveDefinition(StoredDefinition definition, Instant now);

    Optional<StoredDefinition> getDefinition(String id);

    /** All definitions, by id. */
    List<StoredDefinition> listDefinitions();

    /** False when there was no such definition. Runs already started are kept. */
    boolean deleteDefinition(String id);

    /**
     * Inserts {@code jobs} (a scheduled run) only if the tick {@code tickAt} of definition
     * {@code definitionId} was not recorded yet, recording it in the same transaction: with several
     * nodes on one database each tick starts at most one run. Returns an empty list when the tick
     * was taken already.
     */
    List<SubmitResult> insertForTick(String definitionId, Instant tickAt, List<NewJob> jobs, InsertOptions options);

    /** The newest tick recorded for a definition, if any. */
    Optional<Instant> lastTick(String definitionId);
}

package io.ordo.core.store;

import io.ordo.core.model.NewJob;

import java.sql.Connection;
import java.util.List;

/**
 * A SQL store that can enqueue inside the caller's transaction: the jobs exist exactly when the
 * caller commits. The connection must be to the store's own database; it is not committed here.
 */
public interface TransactionalJobStore extends JobStore {
    List<SubmitResult> insert(Connection connection, List<NewJob> jobs, InsertOptions options);
}

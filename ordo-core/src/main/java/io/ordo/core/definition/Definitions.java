package io.ordo.core.definition;

import io.ordo.core.JobNotFoundException;
import io.ordo.core.action.StepAction;
import io.ordo.core.model.Job;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Json;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The public service for job definitions, from {@link io.ordo.core.Ordo#definitions()}: store,
 * list, delete and run them. A run is a durable root job; follow it with {@code ordo.jobs()}.
 */
public final class Definitions {
    private final JobStore store;
    private final DefinitionRunner runner;
    private final Map<String, StepAction> actions;
    private final Clock clock;

    public Definitions(JobStore store, DefinitionRunner runner, Map<String, StepAction> actions, Clock clock) {
        this.store = store;
        this.runner = runner;
        this.actions = actions;
        this.clock = clock;
    }

    /** Stores a parsed and validated definition (creating or replacing it by id). */
    public StoredDefinition save(JobDefinition def, String format, String source) {
        StoredDefinition d = new StoredDefinition(def.id(), def.name(), format, source, Json.MAPPER.valueToTree(def), def.enabled(),
                def.schedule(), 0, null, null);
        return store.saveDefinition(d, clock.instant());
    }

    public Optional<StoredDefinition> get(String id) {
        return store.getDefinition(id);
    }

    public StoredDefinition require(String id) {
        return store.getDefinition(id).orElseThrow(() -> new JobNotFoundException("job definition '" + id + "' not found"));
    }

    public List<StoredDefinition> list() {
        return store.listDefinitions();
    }

    public boolean delete(String id) {
        return store.deleteDefinition(id);
    }

    /** Starts a run of a stored definition now; returns the run's root job. */
    public Job run(String id) {
        StoredDefinition d = require(id);
        return runner.start(DefinitionRunner.definition(d), d.version(), "manual");
    }

    /** Starts a run of a definition that is not stored (version 0). */
    public Job run(JobDefinition def) {
        return runner.start(def, 0, "manual");
    }

    /** The step actions this node knows, by name. */
    public Map<String, StepAction> actions() {
        return actions;
    }

    public DefinitionRunner runner() {
        return runner;
    }
}

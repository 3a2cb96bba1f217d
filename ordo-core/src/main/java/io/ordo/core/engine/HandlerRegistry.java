package io.ordo.core.engine;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.action.HandlerAction;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepHandler;
import io.ordo.core.store.JobStore;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.builtin.FailHandler;
import io.ordo.core.handler.builtin.NoopHandler;
import io.ordo.core.handler.builtin.SleepHandler;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The handlers registered on this node, by type. */
public final class HandlerRegistry {
    private final Map<String, JobHandler> byType = new LinkedHashMap<>();
    private final Map<String, StepAction> actions = new java.util.TreeMap<>();

    public HandlerRegistry(Collection<JobHandler> handlers, boolean builtins) {
        this(handlers, List.of(), builtins, null);
    }

    /**
     * @param store where step jobs read earlier steps' results; null registers no step actions
     */
    public HandlerRegistry(Collection<JobHandler> handlers, Collection<StepAction> stepActions, boolean builtins, JobStore store) {
        if (builtins) builtins().forEach(this::add);
        handlers.forEach(this::add);
        if (store == null) return;
        if (builtins) {
            for (String t : List.of("noop", "sleep", "fail")) addAction(new HandlerAction(byType.get(t)), store);
        }
        stepActions.forEach(a -> addAction(a, store));
    }

    /** {@code noop}, {@code sleep} and {@code fail}, registered before the node's own handlers. */
    public static List<JobHandler> builtins() {
        return List.of(new NoopHandler(), new SleepHandler(), new FailHandler());
    }

    /** Replaces each job handler by {@code wrap}'s answer for it (e.g. its process-isolated stand-in). */
    public HandlerRegistry wrapHandlers(java.util.function.UnaryOperator<JobHandler> wrap) {
        byType.replaceAll((type, h) -> wrap.apply(h));
        return this;
    }

    private void addAction(StepAction a, JobStore store) {
        Names.checkType(a.name());
        StepAction previous = actions.put(a.name(), a);
        if (previous != null && !(previous instanceof HandlerAction)) {
            throw new InvalidRequestException("two step actions named '" + a.name() + "'");
        }
        add(new StepHandler(a, store));
        a.childHandlers().forEach(this::add);
    }

    /** The step actions this node runs, by name. */
    public Map<String, StepAction> actions() {
        return java.util.Collections.unmodifiableMap(actions);
    }

    private void add(JobHandler h) {
        Names.checkType(h.type());
        JobHandler previous = byType.put(h.type(), h);
        if (previous != null && !previous.getClass().equals(h.getClass()) && !isBuiltin(previous) && !(previous instanceof StepHandler)) {
            throw new InvalidRequestException("two handlers registered for type '" + h.type() + "': "
                    + previous.getClass().getName() + " and " + h.getClass().getName());
        }
    }

    private static boolean isBuiltin(JobHandler h) {
        return h.getClass().getPackageName().equals(NoopHandler.class.getPackageName());
    }

    public Optional<JobHandler> get(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public Set<String> types() {
        return Set.copyOf(byType.keySet());
    }
}

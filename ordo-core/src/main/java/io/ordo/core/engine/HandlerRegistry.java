package io.ordo.core.engine;

import io.ordo.core.InvalidRequestException;
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

    public HandlerRegistry(Collection<JobHandler> handlers, boolean builtins) {
        if (builtins) List.of(new NoopHandler(), new SleepHandler(), new FailHandler()).forEach(this::add);
        handlers.forEach(this::add);
    }

    private void add(JobHandler h) {
        Names.checkType(h.type());
        JobHandler previous = byType.put(h.type(), h);
        if (previous != null && !previous.getClass().equals(h.getClass()) && !isBuiltin(previous)) {
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

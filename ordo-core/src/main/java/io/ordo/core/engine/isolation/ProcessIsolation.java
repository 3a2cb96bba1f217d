package io.ordo.core.engine.isolation;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.handler.Isolation;
import io.ordo.core.handler.JobHandler;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which job types this node runs in child processes: those whose handler says
 * {@link Isolation#PROCESS}, and those the node configuration names. Checked when the node is
 * created, before anything opens: a named type without a job handler, or an isolated handler the
 * child could not instantiate, is refused.
 */
public final class ProcessIsolation {
    private final Set<String> types;
    private final Duration killGrace;

    private ProcessIsolation(Set<String> types, Duration killGrace) {
        this.types = types;
        this.killGrace = killGrace;
    }

    /**
     * @param types     the types the node configuration isolates
     * @param handlers  the node's job handlers in registration order (a later one replaces an earlier one of its type)
     * @param killGrace how long a stopped child may take to exit before it is killed
     */
    public static ProcessIsolation of(Collection<String> types, Collection<JobHandler> handlers, Duration killGrace) {
        Map<String, JobHandler> byType = new LinkedHashMap<>();
        handlers.forEach(h -> byType.put(h.type(), h));
        for (String t : types) {
            if (!byType.containsKey(t)) {
                throw new InvalidRequestException("cannot isolate job type '" + t + "': this node has no job handler for it"
                        + " (job handlers: " + String.join(", ", new TreeSet<>(byType.keySet())) + ")");
            }
        }
        ProcessIsolation isolation = new ProcessIsolation(Set.copyOf(types), killGrace);
        byType.values().stream().filter(h -> !(h instanceof IsolatedHandler) && isolation.isolated(h))
                .forEach(ProcessIsolation::checkInstantiable);
        return isolation;
    }

    public boolean isolated(JobHandler h) {
        return h.isolation() == Isolation.PROCESS || types.contains(h.type());
    }

    /** {@code h} itself, or its stand-in that runs each job in a child JVM. */
    public JobHandler wrap(JobHandler h) {
        if (h instanceof IsolatedHandler || !isolated(h)) return h;
        checkInstantiable(h);
        return new IsolatedHandler(h, ChildJvm.forHandler(h.getClass()), killGrace);
    }

    /** The child creates its own instance by name: a public no-arg constructor of a named class. */
    static void checkInstantiable(JobHandler h) {
        Class<?> c = h.getClass();
        String why = null;
        if (c.isAnonymousClass() || c.isLocalClass() || c.isHidden() || c.isSynthetic()) {
            why = "it is an anonymous, local or lambda class";
        } else if (c.isMemberClass() && !Modifier.isStatic(c.getModifiers())) {
            why = "it is an inner (non-static) class";
        } else {
            try {
                Constructor<?> k = c.getDeclaredConstructor();
                if (!Modifier.isPublic(k.getModifiers())) why = "its no-arg constructor is not public";
            } catch (NoSuchMethodException e) {
                why = "it has no no-arg constructor";
            }
        }
        if (why != null) {
            throw new InvalidRequestException("job type '" + h.type() + "' runs in a child process, but its handler "
                    + c.getName() + " cannot be created there: " + why + " (the child creates its own instance with a public no-arg constructor)");
        }
    }
}

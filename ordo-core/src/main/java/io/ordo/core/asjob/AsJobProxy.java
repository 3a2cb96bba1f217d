package io.ordo.core.asjob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.Ordo;
import io.ordo.core.model.Job;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What a proxy made by {@link AsJobs#proxy} does on each call. */
final class AsJobProxy implements InvocationHandler {
    private final Ordo ordo;
    private final Class<?> iface;
    private final Map<Method, AsJobSpec> byMethod;

    AsJobProxy(Ordo ordo, Class<?> iface, List<AsJobSpec> specs) {
        this.ordo = ordo;
        this.iface = iface;
        this.byMethod = specs.stream().collect(Collectors.toUnmodifiableMap(AsJobSpec::method, Function.identity()));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "AsJobs.proxy(" + iface.getName() + ") on node " + ordo.config().nodeId();
                default -> throw new UnsupportedOperationException(method.toString());
            };
        }
        AsJobSpec spec = byMethod.get(method);
        if (spec != null) return enqueue(spec, args == null ? new Object[0] : args);
        if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
        throw new UnsupportedOperationException(iface.getSimpleName() + "." + AsJobSpec.signature(method)
                + " is not an @AsJob method: the proxy only enqueues jobs; call it on the implementation");
    }

    private Object enqueue(AsJobSpec spec, Object[] args) {
        Job job = ordo.jobs().submit(After.apply(spec.request(payload(spec, args))));
        return switch (spec.returns()) {
            case HANDLE -> new RemoteJobHandle<>(ordo.jobs(), ordo.config().clock(), job.id(), spec.resultJavaType());
            case JOB_ID -> job.id();
            case JOB_ID_TEXT -> job.id().toString();
            case JOB -> job;
            case NOTHING -> null;
        };
    }

    /** The arguments as a JSON object keyed by parameter name, each written as its declared type. */
    static ObjectNode payload(AsJobSpec spec, Object[] args) {
        ObjectNode o = io.ordo.core.util.Json.MAPPER.createObjectNode();
        for (int i = 0; i < args.length; i++) {
            AsJobSpec.Param p = spec.params().get(i);
            try {
                String json = io.ordo.core.util.Json.MAPPER.writerFor(p.javaType()).writeValueAsString(args[i]);
                o.set(p.name(), io.ordo.core.util.Json.MAPPER.readTree(json));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new InvalidRequestException(spec.label() + ": argument '" + p.name() + "' cannot be written as JSON: " + why);
            }
        }
        return o;
    }
}

package io.ordo.core.asjob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeoutException;

/**
 * Runs the jobs of one {@link AsJob} method: binds the payload to the parameters, invokes the
 * method on the implementation and returns what it returned (unwrapping
 * {@link JobHandle#completed(Object)}) as the job's result.
 */
final class AsJobHandler implements JobHandler {
    private static final ThreadLocal<JobContext> CURRENT = new ThreadLocal<>();

    private final AsJobSpec spec;
    private final Object target;
    private final Method method;

    AsJobHandler(AsJobSpec spec, Object target) {
        this.spec = spec;
        this.target = target;
        this.method = spec.method();
        try {
            method.setAccessible(true); // the interface may be package-private to the caller's package
        } catch (RuntimeException e) {
            // a module that does not open it: public interfaces still work
        }
    }

    AsJobSpec spec() {
        return spec;
    }

    static JobContext current() {
        return CURRENT.get();
    }

    @Override
    public String type() {
        return spec.type();
    }

    @Override
    public JobTypeOptions options() {
        return spec.options();
    }

    /** At submit time: the payload must be an object of known parameters, each of which binds. */
    @Override
    public void validate(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidRequestException(spec.type() + ": the payload must be a JSON object of the parameters "
                    + spec.parameterNames() + " (got " + (payload == null ? "nothing" : payload.getNodeType().name().toLowerCase(java.util.Locale.ROOT)) + ")");
        }
        for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!spec.parameterNames().contains(f)) {
                throw new InvalidRequestException(spec.type() + ": unknown field '" + f + "'; the parameters are " + spec.parameterNames());
            }
        }
        bind(payload, InvalidRequestException::new);
    }

    @Override
    public Object run(JobContext ctx) throws Exception {
        Object[] args = bind(ctx.payload(), PermanentFailure::new); // another attempt would not bind either
        long started = System.nanoTime();
        Object value;
        CURRENT.set(ctx);
        try {
            value = method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) throw ex;
            if (cause instanceof Error err) throw err;
            throw e;
        } finally {
            CURRENT.remove();
        }
        Duration timeout = ctx.job().timeout();
        if (timeout != null && System.nanoTime() - started > timeout.toNanos()) {
            // it ignored the interrupt and finished late: the attempt has timed out all the same
            throw new TimeoutException(spec.label() + " returned after its timeout of " + Durations.format(timeout) + "; result discarded");
        }
        Object result = unwrap(value);
        if (result != null && spec.resultTtl() != null && ctx.job().resultTtl() == null) {
            // submitted without the method's TTL (REST, CLI): the result expires all the same
            ctx.saveResult(result, spec.resultTtl());
            return null;
        }
        return result;
    }

    private Object unwrap(Object value) {
        if (value instanceof CompletedJobHandle<?> c) return c.value();
        if (value instanceof JobHandle<?> h) {
            throw new PermanentFailure(spec.label() + " returned the handle of another job (" + h.id()
                    + ") instead of a value; return JobHandle.completed(value)");
        }
        return value;
    }

    private Object[] bind(JsonNode payload, java.util.function.Function<String, ? extends RuntimeException> error) {
        if (payload == null || !payload.isObject()) {
            throw error.apply(spec.type() + ": the payload must be a JSON object of the parameters " + spec.parameterNames());
        }
        Object[] args = new Object[spec.params().size()];
        for (int i = 0; i < args.length; i++) {
            AsJobSpec.Param p = spec.params().get(i);
            JsonNode v = payload.get(p.name());
            if (v == null || v.isNull()) {
                if (p.primitive()) {
                    throw error.apply(spec.type() + ": parameter '" + p.name() + "' (" + p.javaType().getRawClass().getName() + ") is required");
                }
                args[i] = null;
                continue;
            }
            try {
                args[i] = Json.MAPPER.treeToValue(v, p.javaType());
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                int nl = why == null ? -1 : why.indexOf('\n');
                throw error.apply(spec.type() + ": parameter '" + p.name() + "' does not fit "
                        + AsJobSpec.simpleName(p.type()) + ": " + (nl < 0 ? why : why.substring(0, nl)));
            }
        }
        return args;
    }

    @Override
    public String toString() {
        return "AsJobHandler[" + spec.label() + " -> " + spec.type() + "]";
    }
}

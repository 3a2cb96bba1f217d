package io.ordo.core.asjob;

import com.fasterxml.jackson.databind.JavaType;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.engine.Names;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One {@link AsJob} method, checked: its job type, queue, timeout, result TTL, attempts, the
 * parameters its payload carries and what the proxy returns. Obtained from
 * {@link AsJobs#specs(Class)}; immutable.
 */
public final class AsJobSpec {
    /** What a proxy call returns. */
    public enum Returns {
        /** {@code JobHandle<R>}. */
        HANDLE,
        /** The job id as a {@code UUID}. */
        JOB_ID,
        /** The job id as a {@code String} ({@code returnJobId = true}). */
        JOB_ID_TEXT,
        /** The submitted {@link Job}. */
        JOB,
        /** Nothing. */
        NOTHING
    }

    /** A parameter: its name in the payload and its declared type. */
    public record Param(String name, Type type, JavaType javaType) {
        boolean primitive() {
            return javaType.isPrimitive();
        }
    }

    private final Class<?> iface;
    private final Method method;
    private final String type;
    private final String queue;
    private final Duration timeout;
    private final Duration resultTtl;
    private final Integer maxAttempts;
    private final boolean returnJobId;
    private final Returns returns;
    private final Type resultType;
    private final JavaType resultJavaType;
    private final List<Param> params;
    private final java.util.Map<String, String> requires;

    private AsJobSpec(Class<?> iface, Method method, String type, String queue, Duration timeout, Duration resultTtl,
                      Integer maxAttempts, boolean returnJobId, Returns returns, Type resultType, List<Param> params,
                      java.util.Map<String, String> requires) {
        this.requires = requires;
        this.iface = iface;
        this.method = method;
        this.type = type;
        this.queue = queue;
        this.timeout = timeout;
        this.resultTtl = resultTtl;
        this.maxAttempts = maxAttempts;
        this.returnJobId = returnJobId;
        this.returns = returns;
        this.resultType = resultType;
        this.resultJavaType = Json.MAPPER.getTypeFactory().constructType(resultType);
        this.params = List.copyOf(params);
    }

    public Class<?> iface() { return iface; }
    public Method method() { return method; }
    /** The job type, e.g. {@code DocumentService.summarize}. */
    public String type() { return type; }
    public String queue() { return queue; }
    /** The per-attempt timeout, or null. */
    public Duration timeout() { return timeout; }
    /** How long the result is kept after completion, or null. */
    public Duration resultTtl() { return resultTtl; }
    /** Attempts before failing for good, or null for the engine's default. */
    public Integer maxAttempts() { return maxAttempts; }
    public boolean returnJobId() { return returnJobId; }
    public Returns returns() { return returns; }
    /** The type results are read back as: the {@code R} of {@code JobHandle<R>}, else the method's return type. */
    public Type resultType() { return resultType; }
    JavaType resultJavaType() { return resultJavaType; }
    public List<Param> params() { return params; }

    public List<String> parameterNames() {
        return params.stream().map(Param::name).toList();
    }

    /** The type's defaults, used whichever way a job of this type is submitted (REST, CLI, proxy). */
    public JobTypeOptions options() {
        return new JobTypeOptions(maxAttempts, timeout, null, null);
    }

    /** A request for a job of this type with {@code payload}, carrying the method's queue, timeout, TTL and attempts. */
    public JobRequest request(Object payload) {
        JobRequest r = JobRequest.of(type).payload(payload).queue(queue);
        if (timeout != null) r.timeout(timeout);
        if (resultTtl != null) r.resultTtl(resultTtl);
        if (maxAttempts != null) r.maxAttempts(maxAttempts);
        if (!requires.isEmpty()) r.requires(requires);
        return r;
    }

    /** E.g. {@code DocumentService.summarize(Document, int)}. */
    public String label() {
        return iface.getSimpleName() + "." + signature(method);
    }

    @Override
    public String toString() {
        return "@AsJob " + label() + " -> type " + type + ", queue " + queue
                + (timeout == null ? "" : ", timeout " + Durations.format(timeout))
                + (resultTtl == null ? "" : ", result TTL " + Durations.format(resultTtl))
                + (maxAttempts == null ? "" : ", max attempts " + maxAttempts);
    }

    // ---- inspection ----------------------------------------------------------------------------

    private static final ClassValue<Object> CACHE = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> iface) {
            try {
                return inspect(iface);
            } catch (InvalidAsJobException e) {
                return e;
            }
        }
    };

    /** The checked specs of {@code iface}'s {@code @AsJob} methods (cached), or every problem at once. */
    @SuppressWarnings("unchecked")
    static List<AsJobSpec> of(Class<?> iface) {
        if (iface == null) throw new IllegalArgumentException("the interface must not be null");
        Object v = CACHE.get(iface);
        if (v instanceof InvalidAsJobException e) throw new InvalidAsJobException(iface, e.problems());
        return (List<AsJobSpec>) v;
    }

    private static List<AsJobSpec> inspect(Class<?> iface) {
        List<String> problems = new ArrayList<>();
        if (!iface.isInterface() || iface.isAnnotation()) {
            throw new InvalidAsJobException(iface, List.of(iface.getName() + " is not an interface: @AsJob works on the methods of an interface"));
        }
        List<Method> annotated = new ArrayList<>();
        for (Method m : iface.getMethods()) {
            if (m.isAnnotationPresent(AsJob.class) && !Modifier.isStatic(m.getModifiers())) annotated.add(m);
        }
        for (Method m : iface.getDeclaredMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(AsJob.class)) {
                problems.add(signature(m) + ": @AsJob on a static method; only instance methods of the interface can be jobs");
            }
            if (Modifier.isPrivate(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) && m.isAnnotationPresent(AsJob.class)) {
                problems.add(signature(m) + ": @AsJob on a private method; only public methods of the interface can be jobs");
            }
        }
        if (annotated.isEmpty() && problems.isEmpty()) {
            throw new InvalidAsJobException(iface, List.of("no method of " + iface.getSimpleName() + " is annotated @AsJob"));
        }
        annotated.sort(java.util.Comparator.comparing(AsJobSpec::signature));
        List<AsJobSpec> specs = new ArrayList<>();
        Map<String, List<String>> byType = new LinkedHashMap<>();
        for (Method m : annotated) {
            AsJobSpec s = inspect(iface, m, problems);
            if (s != null) {
                specs.add(s);
                byType.computeIfAbsent(s.type, t -> new ArrayList<>()).add(signature(m));
            }
        }
        byType.forEach((t, methods) -> {
            if (methods.size() > 1) {
                problems.add(String.join(" and ", methods) + " both have job type '" + t
                        + "'; give each overload its own @AsJob(type = \"...\")");
            }
        });
        if (!problems.isEmpty()) throw new InvalidAsJobException(iface, problems);
        return Collections.unmodifiableList(specs);
    }

    private static AsJobSpec inspect(Class<?> iface, Method m, List<String> problems) {
        AsJob a = m.getAnnotation(AsJob.class);
        String where = signature(m);
        int before = problems.size();

        String type = a.type().isBlank() ? defaultType(m) : a.type().trim();
        if (!validName(type)) {
            problems.add(where + ": job type '" + type + "' is invalid (use 1-128 letters, digits, '_', '.', ':' or '-', starting with"
                    + " a letter or digit)" + (a.type().isBlank() ? "; set @AsJob(type = \"...\")" : ""));
        }
        String queue = a.queue().trim();
        if (!validQueue(queue)) problems.add(where + ": queue '" + a.queue() + "' is invalid (use 1-128 letters, digits, '_', '.', ':' or '-')");
        Duration timeout = duration(where, "timeout", a.timeout(), problems);
        Duration ttl = duration(where, "resultTtl", a.resultTtl(), problems);
        java.util.Map<String, String> requires = java.util.Map.of();
        try {
            requires = io.ordo.core.model.Capabilities.parse(List.of(a.requires()), "requires").asMap();
        } catch (io.ordo.core.InvalidRequestException e) {
            problems.add(where + ": " + e.getMessage());
        }
        if (a.maxAttempts() < 0) problems.add(where + ": maxAttempts must be >= 1, or 0 for the engine's default (got " + a.maxAttempts() + ")");
        if (m.getTypeParameters().length > 0) {
            problems.add(where + ": a generic method (<" + Arrays.stream(m.getTypeParameters()).map(Object::toString)
                    .collect(Collectors.joining(", ")) + ">) cannot be a job: JSON does not say which types to rebuild");
        }

        List<Param> params = new ArrayList<>();
        for (Parameter p : m.getParameters()) {
            String what = "parameter '" + p.getName() + "' (" + simpleName(p.getParameterizedType()) + ")";
            List<String> paramProblems = new ArrayList<>();
            DataTypes.check(p.getParameterizedType(), what, paramProblems);
            paramProblems.forEach(x -> problems.add(where + ": " + x));
            params.add(new Param(p.getName(), p.getParameterizedType(), Json.MAPPER.getTypeFactory().constructType(p.getParameterizedType())));
        }

        Returns returns;
        Type resultType;
        Class<?> raw = m.getReturnType();
        Type generic = m.getGenericReturnType();
        if (a.returnJobId()) {
            if (raw == UUID.class) returns = Returns.JOB_ID;
            else if (raw == String.class) returns = Returns.JOB_ID_TEXT;
            else {
                problems.add(where + ": returnJobId = true needs the method to return UUID or String (it returns "
                        + simpleName(generic) + ")");
                returns = Returns.NOTHING;
            }
            resultType = raw == void.class ? Void.class : generic;
        } else if (raw == JobHandle.class) {
            returns = Returns.HANDLE;
            resultType = handleArgument(generic);
            if (resultType != Void.class && resultType != Object.class) {
                List<String> rp = new ArrayList<>();
                DataTypes.check(resultType, "result type " + simpleName(resultType), rp);
                rp.forEach(x -> problems.add(where + ": " + x));
            }
        } else if (raw == UUID.class) {
            returns = Returns.JOB_ID;
            resultType = UUID.class;
        } else if (raw == Job.class) {
            returns = Returns.JOB;
            resultType = Object.class;
        } else if (raw == void.class) {
            returns = Returns.NOTHING;
            resultType = Void.class;
        } else {
            problems.add(where + ": returns " + simpleName(generic)
                    + ", which a call that only enqueues cannot return; declare JobHandle<" + simpleName(boxed(generic))
                    + "> (and return JobHandle.completed(value) in the implementation)"
                    + (raw == String.class ? ", or set returnJobId = true to get the job id as a String" : "")
                    + ", or UUID for the job id, or void");
            returns = Returns.NOTHING;
            resultType = Object.class;
        }
        if (problems.size() > before) return null;
        return new AsJobSpec(iface, m, type, queue, timeout, ttl, a.maxAttempts() == 0 ? null : a.maxAttempts(), a.returnJobId(),
                returns, resultType, params, requires);
    }

    /** Package prefixes in type names, left out of messages: {@code java.util.List<com.acme.Doc>} reads {@code List<Doc>}. */
    private static final String PACKAGE = "\\b[a-z][a-z0-9_]*\\.";

    /** A type as messages show it: {@code List<AsJobsTest.Doc>}. */
    static String simpleName(Type t) {
        return t.getTypeName().replaceAll(PACKAGE, "").replace('$', '.');
    }

    private static Type handleArgument(Type generic) {
        if (!(generic instanceof ParameterizedType p)) return Object.class; // raw JobHandle: the result as plain JSON values
        Type arg = p.getActualTypeArguments()[0];
        if (arg instanceof WildcardType w) return w.getUpperBounds().length == 0 ? Object.class : w.getUpperBounds()[0];
        return arg;
    }

    private static Type boxed(Type t) {
        if (!(t instanceof Class<?> c) || !c.isPrimitive()) return t;
        return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
    }

    private static Duration duration(String where, String field, String text, List<String> problems) {
        if (text == null || text.isBlank()) return null;
        try {
            Duration d = Durations.parse(field, text);
            if (d.isZero()) {
                problems.add(where + ": " + field + " must be positive (got '" + text + "'); leave it empty for none");
                return null;
            }
            return d;
        } catch (InvalidRequestException e) {
            problems.add(where + ": " + e.getMessage());
            return null;
        }
    }

    private static boolean validName(String t) {
        try {
            Names.checkType(t);
            return true;
        } catch (InvalidRequestException e) {
            return false;
        }
    }

    private static boolean validQueue(String q) {
        try {
            Names.checkQueue(q);
            return true;
        } catch (InvalidRequestException e) {
            return false;
        }
    }

    /** {@code Outer.Inner.method}: the interface's binary name without its package, '$' as '.'. */
    static String defaultType(Method m) {
        Class<?> c = m.getDeclaringClass();
        String name = c.getName();
        String pkg = c.getPackageName();
        if (!pkg.isEmpty()) name = name.substring(pkg.length() + 1);
        return name.replace('$', '.') + "." + m.getName();
    }

    static String signature(Method m) {
        return m.getName() + "(" + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
    }
}

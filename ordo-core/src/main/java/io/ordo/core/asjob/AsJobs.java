package io.ordo.core.asjob;

import com.fasterxml.jackson.databind.JavaType;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link AsJob} methods as background jobs. A worker node registers the implementation; any node
 * on the same store calls the interface through a proxy, which enqueues and returns at once.
 *
 * <pre>{@code
 * OrdoConfig config = OrdoConfig.defaults().storeUrl("jdbc:sqlite:data/app.db").queue("documents", 4);
 * AsJobs.register(config, DocumentService.class, new DefaultDocumentService());
 * try (Ordo ordo = Ordo.create(config).start()) {
 *     DocumentService docs = AsJobs.proxy(ordo, DocumentService.class);
 *     JobHandle<Summary> h = docs.summarize(doc, 100);   // enqueued, returns at once
 *     Summary s = h.await(Duration.ofMinutes(1));         // the worker's result
 * }
 * }</pre>
 *
 * <p>The payload of such a job is a JSON object with one field per parameter, named as in the
 * source (the build compiles with {@code -parameters}; without it the names are {@code arg0},
 * {@code arg1}, ...). Jobs of these types can therefore also be submitted over REST or the CLI with
 * such a payload; the method's timeout, attempts and result TTL apply to them too.
 */
public final class AsJobs {
    private static final Logger log = LoggerFactory.getLogger(AsJobs.class);

    private AsJobs() {
    }

    /**
     * Registers one handler per {@code @AsJob} method of {@code iface}, each invoking the method on
     * {@code implementation}; call before {@code Ordo.create(config)}.
     *
     * @throws InvalidAsJobException when an annotation is invalid, the implementation is not an
     *                               {@code iface}, or a job type is already registered in {@code config}
     */
    public static <T> OrdoConfig register(OrdoConfig config, Class<T> iface, T implementation) {
        Objects.requireNonNull(config, "config");
        List<JobHandler> handlers = handlers(iface, implementation);
        List<String> problems = new ArrayList<>();
        for (JobHandler h : handlers) {
            config.handlers().stream().filter(existing -> existing.type().equals(h.type())).findFirst().ifPresent(existing ->
                    problems.add("job type '" + h.type() + "' is already registered (by "
                            + (existing instanceof AsJobHandler ? existing : existing.getClass().getName()) + "); set @AsJob(type = \"...\")"));
        }
        if (!problems.isEmpty()) throw new InvalidAsJobException(iface, problems);
        handlers.forEach(config::handler);
        return config;
    }

    /** The handlers {@link #register} adds, for wiring them by hand. */
    public static <T> List<JobHandler> handlers(Class<T> iface, T implementation) {
        List<AsJobSpec> specs = AsJobSpec.of(iface);
        if (implementation == null) throw new InvalidAsJobException(iface, List.of("the implementation must not be null"));
        if (!iface.isInstance(implementation)) {
            throw new InvalidAsJobException(iface, List.of(implementation.getClass().getName() + " does not implement " + iface.getName()));
        }
        if (Proxy.isProxyClass(implementation.getClass()) && Proxy.getInvocationHandler(implementation) instanceof AsJobProxy) {
            throw new InvalidAsJobException(iface, List.of("the implementation is an AsJobs proxy: jobs would only enqueue more jobs; register the real implementation"));
        }
        return specs.stream().<JobHandler>map(s -> new AsJobHandler(s, implementation)).toList();
    }

    /**
     * A proxy whose {@code @AsJob} methods enqueue jobs on {@code ordo}'s store (see {@link AsJob}
     * for what they return). Default methods run as written (their calls to {@code @AsJob} methods
     * enqueue); other abstract methods throw {@link UnsupportedOperationException}. Needs the job
     * types registered on this node, or a node that accepts unknown types (a submit-only client).
     */
    @SuppressWarnings("unchecked")
    public static <T> T proxy(Ordo ordo, Class<T> iface) {
        Objects.requireNonNull(ordo, "ordo");
        List<AsJobSpec> specs = AsJobSpec.of(iface);
        List<String> problems = new ArrayList<>();
        for (AsJobSpec s : specs) {
            if (!ordo.handlerTypes().contains(s.type()) && !ordo.config().acceptUnknownTypes()) {
                problems.add("job type '" + s.type() + "' has no handler on this node: register the implementation with "
                        + "AsJobs.register(config, " + iface.getSimpleName() + ".class, impl) before Ordo.create, or let a "
                        + "submit-only node accept unknown types (OrdoConfig.acceptUnknownTypes(true))");
            }
        }
        if (!problems.isEmpty()) throw new InvalidAsJobException(iface, problems);
        if (ordo.config().workers()) {
            specs.stream().map(AsJobSpec::queue).distinct().filter(q -> !ordo.config().queues().containsKey(q)).forEach(q ->
                    log.warn("@AsJob methods of {} use queue '{}', which this node does not serve; their jobs wait for a node that does",
                            iface.getSimpleName(), q));
        }
        return (T) Proxy.newProxyInstance(iface.getClassLoader(), new Class<?>[]{iface}, new AsJobProxy(ordo, iface, specs));
    }

    /**
     * Dependencies for the proxy calls made inside {@link After#call}: their jobs wait until these
     * jobs completed ({@code depends_on}), and are skipped if one fails or is cancelled.
     *
     * <pre>{@code
     * JobHandle<Summary> s = AsJobs.after(docs.extract(doc)).call(() -> docs.summarize(doc, 100));
     * }</pre>
     */
    public static After after(JobHandle<?>... jobs) {
        return new After(java.util.Arrays.stream(jobs).map(JobHandle::id).toList(), false);
    }

    /** {@link #after(JobHandle[])} by job id (e.g. one a {@code returnJobId} method gave). */
    public static After after(UUID... jobIds) {
        return new After(List.of(jobIds), false);
    }

    /** The checked {@code @AsJob} methods of {@code iface}. */
    public static List<AsJobSpec> specs(Class<?> iface) {
        return AsJobSpec.of(iface);
    }

    /** The {@code @AsJob} method {@code methodName} of {@code iface} (it must not be overloaded). */
    public static AsJobSpec spec(Class<?> iface, String methodName) {
        List<AsJobSpec> found = specs(iface).stream().filter(s -> s.method().getName().equals(methodName)).toList();
        if (found.isEmpty()) throw new IllegalArgumentException(iface.getSimpleName() + " has no @AsJob method named '" + methodName + "'");
        if (found.size() > 1) {
            throw new IllegalArgumentException(iface.getSimpleName() + "." + methodName + " is overloaded; pick one by job type: "
                    + found.stream().map(AsJobSpec::type).toList());
        }
        return found.get(0);
    }

    /** The {@code @AsJob} method behind job type {@code type} on {@code ordo}, if one is registered there. */
    public static Optional<AsJobSpec> spec(Ordo ordo, String type) {
        return ordo.config().handlers().stream()
                .filter(h -> h instanceof AsJobHandler && h.type().equals(type))
                .map(h -> ((AsJobHandler) h).spec())
                .findFirst();
    }

    /** A handle on an existing job whose result reads as {@code resultType} (e.g. an id a {@code returnJobId} method gave). */
    public static <R> JobHandle<R> handle(Ordo ordo, UUID jobId, Class<R> resultType) {
        return handle(ordo, jobId, (Type) resultType);
    }

    /** Like {@link #handle(Ordo, UUID, Class)} for generic result types, e.g. a {@code List<Summary>}. */
    public static <R> JobHandle<R> handle(Ordo ordo, UUID jobId, Type resultType) {
        Objects.requireNonNull(jobId, "jobId");
        JavaType t = Json.MAPPER.getTypeFactory().constructType(resultType);
        return new RemoteJobHandle<>(ordo.jobs(), ordo.config().clock(), jobId, t);
    }

    /**
     * The context of the job the calling thread runs as an {@code @AsJob} method: for progress,
     * log lines, {@link JobContext#isCancelled()}, spawning children.
     *
     * @throws IllegalStateException outside an {@code @AsJob} method run by a worker
     */
    public static JobContext context() {
        JobContext ctx = AsJobHandler.current();
        if (ctx == null) throw new IllegalStateException("AsJobs.context() is only available inside an @AsJob method run by an Ordo worker");
        return ctx;
    }

    /** {@link #context()} if the calling thread runs an {@code @AsJob} method, else empty (e.g. when called directly). */
    public static Optional<JobContext> currentContext() {
        return Optional.ofNullable(AsJobHandler.current());
    }
}

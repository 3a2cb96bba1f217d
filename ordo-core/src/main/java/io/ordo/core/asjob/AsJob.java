package io.ordo.core.asjob;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of an interface as a background job. Calling it through
 * {@link AsJobs#proxy(io.ordo.core.Ordo, Class)} enqueues a job whose payload holds the arguments
 * (a JSON object keyed by parameter name) and returns at once; a worker that registered the
 * implementation with {@link AsJobs#register(io.ordo.core.OrdoConfig, Class, Object)} invokes the
 * real method, and what it returns becomes the job's result.
 *
 * <p>What the proxy returns depends on the declared return type:
 * <ul>
 *   <li>{@code JobHandle<R>}: a handle whose {@link JobHandle#await()} gives the result as an
 *       {@code R}; the implementation returns {@link JobHandle#completed(Object)}.</li>
 *   <li>{@code UUID}: the job id (the implementation's return value, if any, is the result).</li>
 *   <li>{@code String} with {@link #returnJobId()}: the job id as text.</li>
 *   <li>{@link io.ordo.core.model.Job}: the job as submitted.</li>
 *   <li>{@code void}: nothing (fire and forget).</li>
 * </ul>
 *
 * <pre>{@code
 * interface DocumentService {
 *     @AsJob(queue = "documents", timeout = "2m", resultTtl = "1h")
 *     JobHandle<Summary> summarize(Document doc, int maxWords);
 *
 *     @AsJob(returnJobId = true, maxAttempts = 5)
 *     UUID reindex(String collection);
 * }
 * }</pre>
 *
 * Annotations are checked when the interface is registered or proxied; every problem (a bad
 * duration, a parameter type JSON cannot carry, two overloads with one job type, ...) is reported
 * at once with {@link InvalidAsJobException}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AsJob {
    /**
     * The job type; default {@code Interface.method} (the interface's name without its package,
     * nested names joined by '.'), e.g. {@code DocumentService.summarize}. Must follow the job type
     * rules: 1-128 letters, digits, '_', '.', ':' or '-'. Overloads need distinct types.
     */
    String type() default "";

    /** The queue the job goes to; a node must serve it ({@code OrdoConfig.queue}) for it to run. */
    String queue() default "default";

    /**
     * How long one attempt may run, e.g. {@code "30s"}, {@code "5m"}, {@code "1h30m"}; empty: no
     * timeout. Enforced: the running call is interrupted and the attempt fails with reason
     * {@code timeout}; a call that returns after the timeout anyway has its result discarded.
     */
    String timeout() default "";

    /**
     * How long the result is kept after the job completes, e.g. {@code "1h"}; empty: until the job
     * is pruned. Enforced: the engine clears expired results, and {@link JobHandle#await()} reports
     * an expired result with {@link ResultExpiredException} instead of returning null.
     */
    String resultTtl() default "";

    /** Return the job id: the method must be declared to return {@code UUID} or {@code String}. */
    boolean returnJobId() default false;

    /** Attempts before the job fails for good; 0 (default): the engine's default. */
    int maxAttempts() default 0;

    /** Capabilities a node needs to run the job, e.g. {@code {"gpu=1"}} (see {@code JobRequest.requires}); default none. */
    String[] requires() default {};
}

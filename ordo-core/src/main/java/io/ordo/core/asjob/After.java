package io.ordo.core.asjob;

import io.ordo.core.model.JobRequest;

import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Makes the {@code @AsJob} proxy calls made inside {@link #call} depend on other jobs: each job they
 * enqueue waits (status {@code waiting}) until those jobs completed, and is skipped if one fails or
 * is cancelled (unless {@link #runOnFailure()}). Obtained from {@link AsJobs#after}.
 *
 * <pre>{@code
 * JobHandle<Text> text = docs.extract(doc);
 * JobHandle<Summary> summary = AsJobs.after(text).call(() -> docs.summarize(doc, 100));
 * }</pre>
 *
 * Only calls on the calling thread, directly inside {@code call}, are affected.
 */
public final class After {
    private static final ThreadLocal<After> CURRENT = new ThreadLocal<>();

    private final List<UUID> ids;
    private final boolean runOnFailure;

    After(List<UUID> ids, boolean runOnFailure) {
        if (ids.isEmpty()) throw new IllegalArgumentException("AsJobs.after needs at least one job");
        this.ids = List.copyOf(ids);
        this.runOnFailure = runOnFailure;
    }

    /** The same dependencies, but the calls' jobs run even if one of them failed or was cancelled. */
    public After runOnFailure() {
        return new After(ids, true);
    }

    /** Runs {@code call}; the {@code @AsJob} calls it makes enqueue jobs that depend on these jobs. */
    public <R> R call(Supplier<R> call) {
        Objects.requireNonNull(call, "call");
        After outer = CURRENT.get();
        CURRENT.set(this);
        try {
            return call.get();
        } finally {
            if (outer == null) CURRENT.remove();
            else CURRENT.set(outer);
        }
    }

    /** {@link #call} for calls that return nothing of interest. */
    public void run(Runnable run) {
        call(() -> {
            run.run();
            return null;
        });
    }

    /** Adds the dependencies in effect on this thread, if any, to {@code request}. */
    static JobRequest apply(JobRequest request) {
        After a = CURRENT.get();
        return a == null ? request : request.dependsOn(a.ids).runOnFailure(a.runOnFailure);
    }
}

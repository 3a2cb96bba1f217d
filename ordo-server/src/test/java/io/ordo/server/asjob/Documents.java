package io.ordo.server.asjob;

import io.ordo.core.asjob.AsJob;
import io.ordo.core.asjob.AsJobs;
import io.ordo.core.asjob.JobHandle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/** The {@code @AsJob} interface the server tests expose, and its implementation. */
public interface Documents {
    record Doc(String title, List<String> lines) {
    }

    record Summary(String title, int words) {
    }

    @AsJob(queue = "docs", resultTtl = "1h")
    JobHandle<Summary> process(Doc doc, int maxWords);

    @AsJob(maxAttempts = 1)
    JobHandle<String> fail(String why);

    /** Reports progress 1/2, then waits until {@link Impl#open(String)} is called for {@code name}. */
    @AsJob
    JobHandle<String> gated(String name);

    @AsJob(timeout = "300ms", maxAttempts = 1)
    JobHandle<String> block(String name);

    @AsJob(resultTtl = "1s")
    JobHandle<String> shortLived(String s);

    final class Impl implements Documents {
        private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

        public void open(String name) {
            gate(name).countDown();
        }

        private CountDownLatch gate(String name) {
            return gates.computeIfAbsent(name, n -> new CountDownLatch(1));
        }

        @Override
        public JobHandle<Summary> process(Doc doc, int maxWords) {
            int words = doc.lines().stream().mapToInt(l -> l.split(" ").length).sum();
            return JobHandle.completed(new Summary(doc.title(), Math.min(words, maxWords)));
        }

        @Override
        public JobHandle<String> fail(String why) {
            throw new IllegalStateException("cannot process: " + why);
        }

        @Override
        public JobHandle<String> gated(String name) {
            AsJobs.context().progress(1, 2, "waiting for " + name);
            try {
                gate(name).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            AsJobs.context().progress(2, 2, "done");
            return JobHandle.completed("opened " + name);
        }

        @Override
        public JobHandle<String> block(String name) {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return JobHandle.completed("never");
        }

        @Override
        public JobHandle<String> shortLived(String s) {
            return JobHandle.completed("kept " + s);
        }
    }
}

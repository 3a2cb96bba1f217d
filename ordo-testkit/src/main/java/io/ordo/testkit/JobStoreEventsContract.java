package io.ordo.testkit;

import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.model.Job;
import io.ordo.core.model.LogLevel;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.FAILED;
import static io.ordo.core.model.JobStatus.SCHEDULED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The events a store writes itself, with the change they describe: every status change
 * ({@code job_status_change}), every child inserted ({@code job_spawn}) and every log line
 * ({@code job_log}), whatever path made the change, and nothing for writes that change no status.
 */
public abstract class JobStoreEventsContract extends JobStoreContractBase {

    /**
     * Appends a marker event and waits until it is readable, so that everything written before is
     * readable too (PostgreSQL shows an event once every older transaction on the server has ended,
     * and other work may share the server). Returns the marker's id.
     */
    private long mark() {
        UUID marker = UUID.randomUUID();
        store.appendEvents(List.of(new OrdoEvent(MARKER, marker, marker, Map.of(), T0)));
        await().atMost(Duration.ofSeconds(20)).until(() -> store.eventsAfter(0, 10_000).stream()
                .anyMatch(e -> marker.equals(e.event().jobId())));
        return store.eventsAfter(0, 10_000).stream().filter(e -> marker.equals(e.event().jobId())).findFirst().orElseThrow().id();
    }

    private static final String MARKER = "test_marker";

    /** The events written after {@code id} and before this call, markers left out. */
    private List<StoredEvent> eventsAfter(long id) {
        long end = mark();
        return store.eventsAfter(id, 10_000).stream().filter(e -> e.id() < end && !e.event().type().equals(MARKER)).toList();
    }

    private static Map<String, Object> payload(StoredEvent e) {
        return e.event().payload();
    }

    @Test
    void aJobsLifeWritesOneStatusEventPerChangeWithTheRowsFacts() {
        Job j = insert(TestJobs.at(T0).type("a").queue("default").maxAttempts(2));
        assertThat(eventsAfter(0)).as("a plain submit changes no status").isEmpty();
        Job running = claimOne("w1", at(1));
        List<StoredEvent> claimed = eventsAfter(0);
        assertThat(claimed).hasSize(1);
        StoredEvent start = claimed.get(0);
        assertThat(start.event().type()).isEqualTo("job_status_change");
        assertThat(start.event().jobId()).isEqualTo(j.id());
        assertThat(start.event().rootId()).isEqualTo(j.rootId());
        assertThat(start.event().at()).isEqualTo(at(1));
        assertThat(payload(start)).containsEntry("job_id", j.id().toString()).containsEntry("root_id", j.rootId().toString())
                .containsEntry("type", "a").containsEntry("job_type", "a").containsEntry("queue", "default")
                .containsEntry("status", "running").containsEntry("attempt", 1).containsEntry("max_attempts", 2)
                .containsEntry("timestamp", "2031-03-01T10:00:01.000Z")
                .doesNotContainKeys("error", "parent_id");

        store.heartbeat(List.of(running.lease()), at(40), at(2));
        store.progress(running.lease(), 1, 2, "half", at(2));
        assertThat(eventsAfter(start.id())).as("heartbeats and progress change no status").isEmpty();

        assertThat(store.fail(new Failure(running.lease(), err(running, "boom"), SCHEDULED, at(10), at(3)))).isTrue();
        assertThat(store.promoteDue(at(10), 10)).isEqualTo(1);
        Job again = claimOne("w2", at(11));
        store.complete(List.of(new Completion(again.lease(), Json.parse("{\"ok\":true}"), at(12))));
        List<StoredEvent> rest = eventsAfter(start.id());
        assertThat(rest).extracting(e -> payload(e).get("status")).containsExactly("scheduled", "pending", "running", "completed");
        assertThat(payload(rest.get(0))).containsEntry("error", "boom").containsEntry("attempt", 1);
        assertThat(payload(rest.get(2))).containsEntry("attempt", 2).doesNotContainKey("error");
        assertThat(payload(rest.get(3))).doesNotContainKey("error").containsEntry("timestamp", "2031-03-01T10:00:12.000Z");
        for (int i = 1; i < rest.size(); i++) assertThat(rest.get(i).id()).isGreaterThan(rest.get(i - 1).id());
        assertThat(rest.get(0).id()).isGreaterThan(start.id());
    }

    @Test
    void failuresAndCancelsCarryTheirError() {
        Job j = insert(TestJobs.at(T0).maxAttempts(1));
        Job running = claimOne("w1", at(1));
        long mark = mark();
        assertThat(store.fail(new Failure(running.lease(), err(running, "gave up"), FAILED, null, at(2)))).isTrue();
        assertThat(eventsAfter(mark)).singleElement().satisfies(e -> assertThat(payload(e))
                .containsEntry("status", "failed").containsEntry("error", "gave up").containsEntry("job_id", j.id().toString()));

        Job waiting = insert(TestJobs.at(T0).runAt(at(100)));
        mark = mark();
        store.cancel(waiting.id(), at(3));
        assertThat(eventsAfter(mark)).singleElement().satisfies(e -> {
            assertThat(e.event().jobId()).isEqualTo(waiting.id());
            assertThat(payload(e)).containsEntry("status", "cancelled");
        });
    }

    @Test
    void childrenAndLogLinesWriteTheirEvents() {
        insert(TestJobs.at(T0).type("parent"));
        Job parent = claimOne("w1", at(1));
        long mark = mark();
        var child = TestJobs.at(at(2)).type("child").parent(parent).uniqueKey("page-1").build();
        var made = store.spawn(parent.lease(), List.of(child), InsertOptions.NONE, false);
        assertThat(made).hasSize(1);
        assertThat(store.appendLog(parent.lease(), LogLevel.WARN, "found 1 page", at(3))).isTrue();

        List<StoredEvent> got = eventsAfter(mark);
        assertThat(got).extracting(e -> e.event().type()).containsExactly("job_spawn", "job_log");
        StoredEvent spawn = got.get(0);
        assertThat(spawn.event().jobId()).isEqualTo(child.id());
        assertThat(spawn.event().rootId()).isEqualTo(parent.rootId());
        assertThat(payload(spawn)).containsEntry("job_id", child.id().toString())
                .containsEntry("parent_id", parent.id().toString()).containsEntry("parent_job_id", parent.id().toString())
                .containsEntry("child_job_id", child.id().toString()).containsEntry("type", "child")
                .containsEntry("item_reference", "page-1").containsEntry("depth", 1).containsEntry("status", "pending")
                .containsEntry("timestamp", "2031-03-01T10:00:02.000Z");
        StoredEvent line = got.get(1);
        assertThat(line.event().jobId()).isEqualTo(parent.id());
        assertThat(line.event().at()).isEqualTo(at(3));
        assertThat(payload(line)).containsEntry("level", "warn").containsEntry("message", "found 1 page")
                .containsEntry("metadata", Map.of("depth", 0, "job_type", "parent", "attempt", 1));
    }

    @Test
    void aWriteThatFailsLeavesNoEvent() {
        Job j = insert(TestJobs.at(T0));
        Job running = claimOne("w1", at(1));
        long mark = mark();
        // a completion with a stale lease changes nothing, so it writes nothing
        store.complete(List.of(new Completion(new io.ordo.core.model.Lease(j.id(), "someone-else", running.attempt()), null, at(2))));
        assertThat(store.appendLog(new io.ordo.core.model.Lease(UUID.randomUUID(), "w1", 1), LogLevel.INFO, "x", at(2))).isFalse();
        assertThat(eventsAfter(mark)).isEmpty();
    }
}

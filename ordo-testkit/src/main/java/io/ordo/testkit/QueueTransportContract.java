package io.ordo.testkit;

import io.ordo.core.queue.Delivery;
import io.ordo.core.queue.QueueMessage;
import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.TransportSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every queue transport (Redis Streams, RabbitMQ) does, against the real broker. Each test
 * uses queues of its own, so tests do not see each other's messages on a shared broker.
 */
public abstract class QueueTransportContract {
    /** Short, so that redelivery after silence is seen quickly in the tests. */
    protected static final Duration REDELIVER_AFTER = Duration.ofSeconds(1);
    private static final Duration WAIT = Duration.ofMillis(200);

    private final List<QueueTransport> opened = new ArrayList<>();
    protected String queue;
    protected String other;

    /** A connected transport acting as consumer {@code consumer}. */
    protected abstract QueueTransport open(TransportSettings settings);

    protected QueueTransport consumer(String name) {
        QueueTransport t = open(new TransportSettings(name + "-" + UUID.randomUUID().toString().substring(0, 8), REDELIVER_AFTER));
        opened.add(t);
        return t;
    }

    @BeforeEach
    void names() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        queue = "q-" + suffix;
        other = "other-" + suffix;
    }

    @AfterEach
    void closeAll() {
        for (QueueTransport t : opened) {
            try {
                t.purge(queue, Set.of("a", "b"));
                t.purge(other, Set.of("a", "b"));
            } catch (RuntimeException ignored) {
                // closed by the test, or the broker is gone: nothing to clean
            }
            t.close();
        }
    }

    /** {@code n} messages of new job ids. */
    public static List<QueueMessage> messages(String queue, String type, int n) {
        List<QueueMessage> list = new ArrayList<>();
        for (int i = 0; i < n; i++) list.add(new QueueMessage(UUID.randomUUID(), queue, type));
        return list;
    }

    /** Receives until {@code n} deliveries came (or fails after a few seconds). */
    public static List<Delivery> receiveAll(QueueTransport t, String queue, Set<String> types, int n) {
        List<Delivery> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            got.addAll(t.receive(queue, types, n - got.size(), WAIT));
            return got.size() >= n;
        });
        return got;
    }

    private static Set<UUID> ids(List<Delivery> deliveries) {
        Set<UUID> ids = new HashSet<>();
        for (Delivery d : deliveries) ids.add(d.message().jobId());
        return ids;
    }

    @Test
    void publishedMessagesAreReceivedOnceAndGoneAfterAck() {
        QueueTransport t = consumer("c");
        List<QueueMessage> sent = messages(queue, "a", 3);
        t.publish(sent);
        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 3);
        assertThat(got).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(sent);
        t.ack(got);
        assertThat(t.receive(queue, Set.of("a"), 10, WAIT)).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> t.count(queue, Set.of("a")) == 0);
    }

    @Test
    void aConsumerReceivesOnlyTheTypesAndQueueItNames() {
        QueueTransport t = consumer("c");
        List<QueueMessage> a = messages(queue, "a", 2);
        List<QueueMessage> b = messages(queue, "b", 2);
        List<QueueMessage> elsewhere = messages(other, "a", 2);
        t.publish(a);
        t.publish(b);
        t.publish(elsewhere);
        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 2);
        assertThat(got).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(a);
        t.ack(got);
        assertThat(t.receive(queue, Set.of("a"), 10, WAIT)).isEmpty();
        List<Delivery> bs = receiveAll(t, queue, Set.of("a", "b"), 2);
        assertThat(bs).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(b);
        t.ack(bs);
        List<Delivery> others = receiveAll(t, other, Set.of("a"), 2);
        assertThat(others).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(elsewhere);
        t.ack(others);
    }

    @Test
    void aHeldMessageGoesToNoOtherConsumerUntilItsConsumerIsGone() {
        QueueTransport first = consumer("first");
        QueueTransport second = consumer("second");
        List<QueueMessage> sent = messages(queue, "a", 1);
        first.publish(sent);
        List<Delivery> held = receiveAll(first, queue, Set.of("a"), 1);
        assertThat(second.receive(queue, Set.of("a"), 10, WAIT)).isEmpty();

        first.close(); // died without acknowledging
        List<Delivery> again = receiveAll(second, queue, Set.of("a"), 1);
        assertThat(again).extracting(Delivery::message).containsExactlyElementsOf(sent);
        second.ack(again);
        assertThat(held).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> second.count(queue, Set.of("a")) == 0);
    }

    @Test
    void aReleasedMessageGoesBackForAnyConsumer() {
        QueueTransport first = consumer("first");
        QueueTransport second = consumer("second");
        List<QueueMessage> sent = messages(queue, "a", 2);
        first.publish(sent);
        List<Delivery> got = receiveAll(first, queue, Set.of("a"), 2);
        first.release(got); // the store could not take them
        List<Delivery> again = receiveAll(second, queue, Set.of("a"), 2);
        assertThat(again).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(sent);
        second.ack(again);
        await().atMost(Duration.ofSeconds(5)).until(() -> second.count(queue, Set.of("a")) == 0);
    }

    @Test
    void concurrentConsumersShareMessagesWithoutDuplicates() throws Exception {
        int n = 400;
        QueueTransport producer = consumer("producer");
        List<QueueMessage> sent = messages(queue, "a", n);
        producer.publish(sent);
        List<QueueTransport> consumers = List.of(consumer("c1"), consumer("c2"), consumer("c3"));
        List<UUID> seen = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (QueueTransport c : consumers) {
                for (int k = 0; k < 2; k++) { // two claim loops per node share one transport
                    loops.add(pool.submit(() -> {
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                        while (seen.size() < n && System.nanoTime() < deadline) {
                            List<Delivery> got = c.receive(queue, Set.of("a"), 25, WAIT);
                            got.forEach(d -> seen.add(d.message().jobId()));
                            c.ack(got);
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : loops) f.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(n);
        assertThat(new HashSet<>(seen)).isEqualTo(ids(sent.stream().map(m -> new Delivery(m, "")).toList()));
    }

    @Test
    void countsReadyAndUnacknowledgedMessages() {
        QueueTransport t = consumer("c");
        t.publish(messages(queue, "a", 5));
        t.publish(messages(queue, "b", 2));
        await().atMost(Duration.ofSeconds(5)).until(() -> t.count(queue, Set.of("a", "b")) == 7);
        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 3);
        assertThat(t.count(queue, Set.of("a", "b"))).isEqualTo(7); // three of them delivered, not yet acked
        t.ack(got);
        await().atMost(Duration.ofSeconds(5)).until(() -> t.count(queue, Set.of("a", "b")) == 4);
        assertThat(t.count(other, Set.of("a"))).isZero();
    }

    @Test
    void purgeDropsEveryMessageOfTheQueueOnly() {
        QueueTransport t = consumer("c");
        t.publish(messages(queue, "a", 4));
        t.publish(messages(queue, "b", 1));
        List<QueueMessage> kept = messages(other, "a", 2);
        t.publish(kept);
        await().atMost(Duration.ofSeconds(5)).until(() -> t.count(queue, Set.of("a", "b")) == 5);
        assertThat(t.purge(queue, Set.of("a", "b"))).isEqualTo(5);
        assertThat(t.count(queue, Set.of("a", "b"))).isZero();
        assertThat(t.receive(queue, Set.of("a", "b"), 10, WAIT)).isEmpty();
        List<Delivery> got = receiveAll(t, other, Set.of("a"), 2);
        assertThat(got).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(kept);
        t.ack(got);
    }

    @Test
    void heldSaysWhichJobsHaveAMessageWhereTheTransportCanTell() {
        QueueTransport t = consumer("c");
        List<QueueMessage> sent = messages(queue, "a", 3);
        t.publish(sent.subList(0, 2));
        UUID absent = sent.get(2).jobId();
        Optional<Set<UUID>> held = t.held(queue, "a", sent.stream().map(QueueMessage::jobId).toList());
        if (held.isEmpty()) return; // this transport reconciles by counts
        assertThat(held.get()).containsExactlyInAnyOrder(sent.get(0).jobId(), sent.get(1).jobId()).doesNotContain(absent);
        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 2);
        // delivered but not acknowledged: still held (its consumer may die)
        assertThat(t.held(queue, "a", List.of(sent.get(0).jobId())).orElseThrow()).containsExactly(sent.get(0).jobId());
        t.ack(got);
        assertThat(t.held(queue, "a", sent.stream().map(QueueMessage::jobId).toList()).orElseThrow()).isEmpty();
    }

    @Test
    void aReceiveWaitingOnAnEmptyQueueSeesAMessagePublishedMeanwhile() throws Exception {
        QueueTransport consumer = consumer("c");
        QueueTransport producer = consumer("p");
        List<QueueMessage> sent = messages(queue, "a", 1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<Delivery>> waiting = pool.submit(() -> {
                List<Delivery> got = new ArrayList<>();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (got.isEmpty() && System.nanoTime() < deadline) got.addAll(consumer.receive(queue, Set.of("a"), 5, Duration.ofSeconds(2)));
                return got;
            });
            producer.publish(sent);
            List<Delivery> got = waiting.get(15, TimeUnit.SECONDS);
            assertThat(got).extracting(Delivery::message).containsExactlyElementsOf(sent);
            consumer.ack(got);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBigBatchIsStoredWhole() {
        QueueTransport t = consumer("c");
        t.publish(messages(queue, "a", 2_000));
        assertThat(t.count(queue, Set.of("a"))).isEqualTo(2_000);
        assertThat(t.purge(queue, Set.of("a"))).isEqualTo(2_000);
    }

    @Test
    void describeNamesTheBrokerWithoutThePassword() {
        QueueTransport t = consumer("c");
        t.ping();
        assertThat(t.describe()).isNotBlank().doesNotContain("guest:guest");
        assertThat(t.kind()).isNotBlank();
    }
}

package io.ordo.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.queue.Delivery;
import io.ordo.core.queue.QueueMessage;
import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;
import io.ordo.core.queue.TransportUnavailableException;
import io.ordo.testkit.QueueTransportContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.ordo.testkit.QueueTransportContract.receiveAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** What the contract does not cover: Redis's own failure modes, URLs and errors. */
class RedisTransportTest {
    private static final String URL = RedisTransportContractTest.URL;
    private static final Duration REDELIVER_AFTER = Duration.ofSeconds(1);
    private static final String PASSWORD = "s3cr3t-pw";

    private static RedisClient rawClient;
    private static StatefulRedisConnection<String, String> rawConnection;
    private static RedisCommands<String, String> raw;

    private final List<QueueTransport> opened = new ArrayList<>();
    private String queue;

    @BeforeAll
    static void connectRaw() {
        rawClient = RedisClient.create(URL);
        rawConnection = rawClient.connect();
        raw = rawConnection.sync();
    }

    @AfterAll
    static void closeRaw() {
        rawConnection.close();
        rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @BeforeEach
    void name() {
        queue = "redis-test:" + UUID.randomUUID().toString().substring(0, 8); // a ':' in the name on purpose
    }

    @AfterEach
    void cleanUp() {
        for (QueueTransport t : opened) t.close();
        for (String type : List.of("a", "b")) {
            String stream = RedisKeys.stream(queue, type);
            raw.del(stream, RedisKeys.heldOf(stream));
        }
        raw.del(RedisKeys.types(queue));
        for (StreamMessage<String, String> dead : deadLettersOf(queue)) raw.xdel(RedisKeys.DEAD_LETTERS, dead.getId());
        // the dead-letter stream is shared: gone only if this test made it and nothing else is in it
        raw.eval("if redis.call('XLEN', KEYS[1]) == 0 then return redis.call('DEL', KEYS[1]) end return 0",
                io.lettuce.core.ScriptOutputType.INTEGER, RedisKeys.DEAD_LETTERS);
    }

    private QueueTransport open() {
        QueueTransport t = QueueTransportProvider.openUrl(URL, new TransportSettings("test-" + UUID.randomUUID(), REDELIVER_AFTER));
        opened.add(t);
        return t;
    }

    private List<QueueMessage> messages(String type, int n) {
        return QueueTransportContract.messages(queue, type, n);
    }

    private static List<StreamMessage<String, String>> deadLettersOf(String queue) {
        String prefix = RedisKeys.stream(queue, "");
        return raw.xrange(RedisKeys.DEAD_LETTERS, io.lettuce.core.Range.create("-", "+")).stream()
                .filter(m -> m.getBody().getOrDefault("stream", "").startsWith(prefix))
                .toList();
    }

    @Test
    void unreadableEntriesAreDeadLetteredAndNeverReturned() {
        String stream = RedisKeys.stream(queue, "a");
        // written by something else than the transport, before any group exists
        raw.xadd(stream, Map.of("job", "not-a-uuid"));
        raw.xadd(stream, Map.of("something", "else"));
        raw.xadd(stream, Map.of("job", "1-1-1-1-1"));
        QueueTransport t = open();
        List<QueueMessage> good = messages("a", 1);
        t.publish(good);

        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 1);
        assertThat(got).extracting(Delivery::message).containsExactlyElementsOf(good);
        assertThat(t.receive(queue, Set.of("a"), 10, Duration.ofMillis(300))).isEmpty();

        List<StreamMessage<String, String>> dead = deadLettersOf(queue);
        assertThat(dead).hasSize(3).allSatisfy(m -> {
            assertThat(m.getBody()).containsEntry("stream", stream).containsKeys("entry", "reason");
        });
        assertThat(dead).extracting(m -> m.getBody().get("reason")).contains("no job field", "job field is not a UUID");
        assertThat(dead).extracting(m -> m.getBody().get("field:job")).contains("not-a-uuid");
        assertThat(t.count(queue, Set.of("a"))).isEqualTo(1); // the bad ones are gone from the stream
        t.ack(got);
        assertThat(t.count(queue, Set.of("a"))).isZero();
    }

    @Test
    void streamsDeletedBehindItsBackAreMadeAgain() {
        QueueTransport t = open();
        t.publish(messages("a", 2));
        List<Delivery> before = receiveAll(t, queue, Set.of("a"), 1);

        // what a Redis restart without persistence looks like to the transport
        String stream = RedisKeys.stream(queue, "a");
        raw.del(stream, RedisKeys.heldOf(stream), RedisKeys.types(queue));

        assertThat(t.count(queue, Set.of("a"))).isZero();
        assertThat(t.receive(queue, Set.of("a"), 10, Duration.ofMillis(100))).isEmpty();
        t.ack(before); // its entry is gone: nothing to do, and no error

        List<QueueMessage> after = messages("a", 1);
        t.publish(after);
        assertThat(t.count(queue, Set.of())).isEqualTo(1); // the types set is back too
        assertThat(t.held(queue, "a", List.of(after.get(0).jobId())).orElseThrow()).containsExactly(after.get(0).jobId());
        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 1);
        assertThat(got).extracting(Delivery::message).containsExactlyElementsOf(after);
        t.ack(got);
        assertThat(t.count(queue, Set.of("a"))).isZero();
        assertThat(t.held(queue, "a", List.of(after.get(0).jobId())).orElseThrow()).isEmpty();
    }

    @Test
    void purgeCoversTypesNotNamedAndLeavesNoKeysBehind() {
        QueueTransport t = open();
        t.publish(messages("a", 2));
        t.publish(messages("b", 1));
        receiveAll(t, queue, Set.of("b"), 1); // delivered, not acknowledged: dropped too
        assertThat(t.purge(queue, Set.of())).isEqualTo(3);
        for (String type : List.of("a", "b")) {
            String stream = RedisKeys.stream(queue, type);
            assertThat(raw.exists(stream, RedisKeys.heldOf(stream))).isZero();
        }
        assertThat(raw.exists(RedisKeys.types(queue))).isZero();
        assertThat(t.purge(queue, Set.of("a"))).isZero();
    }

    @Test
    void aReceiveOverSeveralTypesReturnsNoMoreThanAskedAndLosesNone() {
        QueueTransport t = open();
        List<QueueMessage> sent = new ArrayList<>(messages("a", 3));
        sent.addAll(messages("b", 3));
        t.publish(sent);
        List<Delivery> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<Delivery> one = t.receive(queue, Set.of("a", "b"), 1, Duration.ofMillis(200));
            assertThat(one).hasSizeLessThanOrEqualTo(1);
            got.addAll(one);
            return got.size() >= sent.size();
        });
        assertThat(got).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(sent);
        t.ack(got);
        assertThat(t.count(queue, Set.of("a", "b"))).isZero();
    }

    @Test
    void aBlockedReceiveHoldsUpNeitherPublishNorAck() {
        QueueTransport t = open();
        String elsewhere = queue + "-elsewhere";
        try {
            CompletableFuture<List<Delivery>> waiting = CompletableFuture.supplyAsync(
                    () -> t.receive(elsewhere, Set.of("a"), 1, Duration.ofSeconds(3)));
            await().atMost(Duration.ofSeconds(2)).until(() -> raw.clientList().contains("cmd=xreadgroup"));
            long start = System.nanoTime();
            t.publish(messages("a", 1));
            List<Delivery> got = t.receive(queue, Set.of("a"), 1, Duration.ZERO);
            t.ack(got);
            assertThat(got).hasSize(1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(waiting.join()).isEmpty();
        } finally {
            t.purge(elsewhere, Set.of("a"));
            raw.del(RedisKeys.types(elsewhere));
        }
    }

    @Test
    void aReceiveMayWaitLongerThanTheCommandTimeout() {
        QueueTransport t = QueueTransportProvider.openUrl(URL + "?timeout=1s", new TransportSettings("slow-" + UUID.randomUUID(), REDELIVER_AFTER));
        opened.add(t);
        long start = System.nanoTime();
        assertThat(t.receive(queue, Set.of("a"), 1, Duration.ofMillis(1_800))).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1_700));
    }

    @Test
    void anUnreachableBrokerFailsFastAndIsNamed() {
        long start = System.nanoTime();
        Throwable e = catchThrowable(() -> QueueTransportProvider.openUrl("redis://127.0.0.1:1", new TransportSettings("x", REDELIVER_AFTER)));
        assertThat(e).isInstanceOf(TransportUnavailableException.class)
                .hasMessageStartingWith("cannot reach Redis at redis://127.0.0.1:1")
                .hasMessageContaining("refused");
        assertThat(e.getMessage()).doesNotContain("\n");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:notaport", "redis://", "redis://127.0.0.1:6379/notadb", "redis://127.0.0.1:70000",
            "redis://127.0.0.1:6379?timeout=soon", "redis://:" + PASSWORD + "@127.0.0.1:6379/x"})
    void aMalformedUrlIsAnInvalidRequest(String url) {
        assertThatThrownBy(() -> QueueTransportProvider.openUrl(url, new TransportSettings("x", REDELIVER_AFTER)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("queue backend URL")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSWORD));
    }

    @Test
    void thePasswordIsNeverShown() {
        Throwable refused = catchThrowable(() -> QueueTransportProvider.openUrl("redis://:" + PASSWORD + "@127.0.0.1:1",
                new TransportSettings("x", REDELIVER_AFTER)));
        assertThat(refused).isInstanceOf(TransportUnavailableException.class);
        assertThat(stackTraceOf(refused)).doesNotContain(PASSWORD);

        Throwable wrong = catchThrowable(() -> QueueTransportProvider.openUrl("redis://ordo-no-such-user:" + PASSWORD + "@127.0.0.1:6379",
                new TransportSettings("x", REDELIVER_AFTER)));
        assertThat(wrong).isInstanceOf(TransportUnavailableException.class)
                .hasMessageStartingWith("Redis at redis://127.0.0.1:6379/0 refused the credentials");
        assertThat(stackTraceOf(wrong)).doesNotContain(PASSWORD);

        // the test server's default user takes any password
        QueueTransport t = QueueTransportProvider.openUrl("redis://:" + PASSWORD + "@127.0.0.1:6379/0", new TransportSettings("x", REDELIVER_AFTER));
        opened.add(t);
        t.ping();
        assertThat(t.describe()).isEqualTo("redis://127.0.0.1:6379/0");
    }

    private static String stackTraceOf(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void aClosedTransportRefusesCallsAndClosesTwice() {
        QueueTransport t = open();
        t.close();
        t.close();
        assertThatThrownBy(() -> t.publish(messages("a", 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> t.receive(queue, Set.of("a"), 1, Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void heldCountsAJobPublishedTwiceUntilBothAreAcked() {
        QueueTransport t = open();
        QueueMessage m = messages("a", 1).get(0);
        t.publish(List.of(m, m));
        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 2);
        t.ack(got.subList(0, 1));
        t.ack(got.subList(0, 1)); // twice: counted once
        assertThat(t.held(queue, "a", List.of(m.jobId())).orElseThrow()).containsExactly(m.jobId());
        t.ack(got.subList(1, 2));
        assertThat(t.held(queue, "a", List.of(m.jobId())).orElseThrow()).isEmpty();
        assertThat(raw.exists(RedisKeys.heldOf(RedisKeys.stream(queue, "a")))).isZero();
    }

    @Test
    @SuppressWarnings("unchecked") // Lettuce's generic varargs of stream offsets
    void consumersThatHoldNothingAndWentSilentAreRemoved() throws Exception {
        QueueTransport t = open();
        t.publish(messages("a", 1));
        String stream = RedisKeys.stream(queue, "a");
        raw.xgroupCreateconsumer(stream, io.lettuce.core.Consumer.from(RedisKeys.GROUP, "gone"));
        raw.xreadgroup(io.lettuce.core.Consumer.from(RedisKeys.GROUP, "busy"), io.lettuce.core.XReadArgs.StreamOffset.lastConsumed(stream));
        raw.xgroupCreateconsumer(stream, io.lettuce.core.Consumer.from(RedisKeys.GROUP, "me"));
        long gone = RedisScripts.FORGET_CONSUMERS.run(rawConnection.async(), new String[] {stream}, RedisKeys.GROUP, "0", "me")
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(gone).isEqualTo(1);
        assertThat(raw.xinfoConsumers(stream, RedisKeys.GROUP)).hasSize(2); // the one holding an entry, and the caller
    }

    @Test
    void keysOfNamesWithSeparatorsDoNotCollide() {
        assertThat(RedisKeys.stream("a:b", "c")).isNotEqualTo(RedisKeys.stream("a", "b:c"));
        assertThat(RedisKeys.stream("jobs.eu-1", "send_mail")).isEqualTo("ordo:q:jobs.eu-1:send_mail");
        assertThat(RedisKeys.parseReceipt(RedisKeys.receipt(RedisKeys.stream("q", "t"), "1-0"))).containsExactly("ordo:q:q:t", "1-0");
        assertThat(RedisKeys.parseReceipt("")).isNull();
    }

    @Test
    void theProviderIsFoundByScheme() {
        assertThat(new RedisTransportProvider().schemes()).containsExactly("redis", "rediss");
        QueueTransport t = QueueTransportProvider.openUrl("REDIS://127.0.0.1:6379/0", new TransportSettings("x", REDELIVER_AFTER));
        opened.add(t);
        assertThat(t.kind()).isEqualTo("redis");
        t.ping();
    }
}

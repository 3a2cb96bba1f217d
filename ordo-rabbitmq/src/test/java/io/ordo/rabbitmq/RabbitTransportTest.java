package io.ordo.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.queue.Delivery;
import io.ordo.core.queue.QueueMessage;
import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;
import io.ordo.core.queue.TransportUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.ordo.testkit.QueueTransportContract.messages;
import static io.ordo.testkit.QueueTransportContract.receiveAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What is particular to RabbitMQ, against the real broker. */
class RabbitTransportTest {
    private static final String PREFIX = TestBroker.newPrefix();
    private static final Duration WAIT = Duration.ofMillis(200);
    private static final TransportSettings SETTINGS = new TransportSettings("test", TransportSettings.DEFAULT_REDELIVER_AFTER);

    private final QueueNames names = new QueueNames(PREFIX);
    private final List<QueueTransport> opened = new ArrayList<>();
    private final Set<String> used = new HashSet<>();
    private String queue;

    @BeforeEach
    void name() {
        queue = "rt-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void cleanUp() {
        opened.forEach(QueueTransport::close);
        TestBroker.deleteQueues(used);
    }

    @AfterAll
    static void deleteShared() {
        TestBroker.deleteShared(PREFIX);
    }

    private RabbitQueueTransport open() {
        return open(TestBroker.url(PREFIX));
    }

    private RabbitQueueTransport open(String url) {
        QueueTransport t = QueueTransportProvider.openUrl(url, SETTINGS);
        opened.add(t);
        return (RabbitQueueTransport) t;
    }

    /** The broker queue of a channel, deleted after the test. */
    private String channel(String q, String type) {
        String name = names.channel(q, type);
        used.add(name);
        return name;
    }

    private static Set<UUID> ids(List<Delivery> deliveries) {
        Set<UUID> ids = new HashSet<>();
        for (Delivery d : deliveries) ids.add(d.message().jobId());
        return ids;
    }

    @Test
    void unreadableMessagesAreDeadLetteredAndNeverReturned() throws Exception {
        RabbitQueueTransport t = open();
        String name = channel(queue, "a");
        List<QueueMessage> good = messages(queue, "a", 1);
        t.publish(good);
        try (Connection c = TestBroker.connect()) {
            Channel ch = c.createChannel();
            ch.basicPublish("", name, MessageProperties.PERSISTENT_TEXT_PLAIN, "not-a-job-id".getBytes(StandardCharsets.UTF_8));
            ch.basicPublish("", name, MessageProperties.PERSISTENT_TEXT_PLAIN, new byte[0]);

            List<Delivery> got = receiveAll(t, queue, Set.of("a"), 1);
            assertThat(got).extracting(Delivery::message).containsExactlyElementsOf(good);
            t.ack(got);

            List<String> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                assertThat(t.receive(queue, Set.of("a"), 10, WAIT)).isEmpty();
                for (GetResponse r; (r = ch.basicGet(names.deadLetters(), true)) != null; ) {
                    dead.add(new String(r.getBody(), StandardCharsets.UTF_8));
                }
                return dead.size() >= 2;
            });
            assertThat(dead).containsExactlyInAnyOrder("not-a-job-id", "");
        }
        assertThat(t.count(queue, Set.of("a"))).isZero();
    }

    @Test
    void aMessageWhoseConsumersKeepDyingIsDeadLetteredAtTheDeliveryLimit() throws Exception {
        channel(queue, "a");
        List<QueueMessage> sent = messages(queue, "a", 1);
        open().publish(sent);
        for (int i = 0; i < RabbitQueueTransport.DELIVERY_LIMIT + 1; i++) {
            RabbitQueueTransport doomed = open();
            assertThat(receiveAll(doomed, queue, Set.of("a"), 1)).extracting(Delivery::message).containsExactlyElementsOf(sent);
            doomed.close(); // dies holding it
        }
        RabbitQueueTransport survivor = open();
        try (Connection c = TestBroker.connect()) {
            Channel ch = c.createChannel();
            List<String> dead = new ArrayList<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                for (GetResponse r; (r = ch.basicGet(names.deadLetters(), true)) != null; ) {
                    dead.add(new String(r.getBody(), StandardCharsets.UTF_8));
                }
                return !dead.isEmpty();
            });
            assertThat(dead).containsExactly(sent.get(0).jobId().toString());
        }
        assertThat(survivor.receive(queue, Set.of("a"), 1, WAIT)).isEmpty();
    }

    @Test
    void theBrokerPushesNoMoreThanTheRoomAskedFor() {
        RabbitQueueTransport first = open();
        RabbitQueueTransport second = open();
        channel(queue, "a");
        first.publish(messages(queue, "a", 5));

        List<Delivery> held = receiveAll(first, queue, Set.of("a"), 2);
        assertThat(held).hasSize(2);
        // prefetch 2: nothing else was pushed to the first node, so the other three are free
        assertThat(first.heldHere(queue, "a")).isEqualTo(2);
        List<Delivery> rest = receiveAll(second, queue, Set.of("a"), 3);
        assertThat(ids(rest)).hasSize(3).doesNotContainAnyElementsOf(ids(held));
        assertThat(first.receive(queue, Set.of("a"), 2, WAIT)).isEmpty();

        first.ack(held);
        second.ack(rest);
        await().atMost(Duration.ofSeconds(5)).until(() -> first.count(queue, Set.of("a")) == 0);
    }

    @Test
    void nodesLearnTheTypesOfAQueueFromTheRegistry() {
        RabbitQueueTransport early = open();
        RabbitQueueTransport producer = open();
        channel(queue, "a");
        channel(queue, "b");
        producer.publish(messages(queue, "b", 3));

        RabbitQueueTransport late = open();
        // read up to its opening: knows "b" though nobody named it
        assertThat(late.count(queue, Set.of("a"))).isEqualTo(3);
        // opened before "b" was recorded: learns it a moment later
        await().atMost(Duration.ofSeconds(5)).until(() -> early.count(queue, Set.of()) == 3);
        assertThat(late.purge(queue, Set.of())).isEqualTo(3);
        assertThat(early.count(queue, Set.of("a"))).isZero();
    }

    @Test
    void aQueueDeletedMeanwhileIsDeclaredAgain() {
        RabbitQueueTransport t = open();
        String name = channel(queue, "a");
        assertThat(t.receive(queue, Set.of("a"), 5, WAIT)).isEmpty(); // declared by the consumer
        t.publish(messages(queue, "a", 1));                           // and for publishing
        TestBroker.deleteQueues(List.of(name));

        assertThat(t.receive(queue, Set.of("a"), 5, WAIT)).isEmpty();
        List<QueueMessage> sent = messages(queue, "a", 2);
        t.publish(sent);
        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 2);
        assertThat(got).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(sent);
        t.ack(got);
    }

    @Test
    void anAcknowledgementTwiceOrOfAStrangerIsIgnored() {
        RabbitQueueTransport t = open();
        channel(queue, "a");
        t.publish(messages(queue, "a", 2));
        List<Delivery> got = receiveAll(t, queue, Set.of("a"), 2);
        t.ack(got);
        t.ack(got); // acknowledging an unknown tag would make the broker close the channel
        t.ack(List.of(new Delivery(got.get(0).message(), "no-such-receipt")));
        List<QueueMessage> more = messages(queue, "a", 1);
        t.publish(more);
        List<Delivery> again = receiveAll(t, queue, Set.of("a"), 1);
        assertThat(again).extracting(Delivery::message).containsExactlyElementsOf(more);
        t.ack(again);
        await().atMost(Duration.ofSeconds(5)).until(() -> t.count(queue, Set.of("a")) == 0);
    }

    @Test
    void wrongCredentialsAreRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> open("amqp://guest:wrong@127.0.0.1:5672"))
                .isInstanceOf(TransportUnavailableException.class)
                .hasMessageContaining("amqp://127.0.0.1:5672/")
                .hasMessageContaining("refused the credentials")
                .message().doesNotContain("wrong");
    }

    @Test
    void anUnreachableBrokerFailsFastNamingTheAddress() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> open("amqp://127.0.0.1:1"))
                .isInstanceOf(TransportUnavailableException.class)
                .hasMessageStartingWith("cannot reach RabbitMQ at amqp://127.0.0.1:1/");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMissingVirtualHostIsNamed() {
        assertThatThrownBy(() -> open("amqp://guest:guest@127.0.0.1:5672/no-such-vhost"))
                .isInstanceOf(TransportUnavailableException.class)
                .hasMessageContaining("amqp://127.0.0.1:5672/no-such-vhost");
    }

    @Test
    void tlsToAPlainPortFailsAsUnavailable() {
        assertThatThrownBy(() -> open("amqps://guest:guest@127.0.0.1:5672"))
                .isInstanceOf(TransportUnavailableException.class)
                .hasMessageContaining("amqps://127.0.0.1:5672/");
    }

    @Test
    void aMalformedUrlIsAnInvalidRequest() {
        for (String url : List.of("amqp://guest:s3cret@127.0.0.1:5672/a/b", "amqp:///vhost", "amqp:opaque",
                "amqp://guest:s3cret@127.0.0.1?heartbeat=soon", "amqp://guest:s3cret@127.0.0.1?prefix=amq.mine",
                "amqp://guest:s3cret@[bad")) {
            assertThatThrownBy(() -> open(url)).as(url)
                    .isInstanceOf(InvalidRequestException.class)
                    .message().doesNotContain("s3cret");
        }
        assertThatThrownBy(() -> new RabbitTransportProvider().open(java.net.URI.create("redis://127.0.0.1"), SETTINGS))
                .isInstanceOf(InvalidRequestException.class);
        // an unescaped '@' in the password makes the host unreadable; none of the password shows
        assertThatThrownBy(() -> new RabbitTransportProvider().open(java.net.URI.create("amqp://guest:pw7@x9tail@127.0.0.1"), SETTINGS))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("guest:***@127.0.0.1")
                .message().doesNotContain("pw7").doesNotContain("x9tail");
    }

    @Test
    void describesTheBrokerWithoutCredentials() {
        RabbitQueueTransport t = open();
        t.ping();
        assertThat(t.describe()).isEqualTo("amqp://127.0.0.1:5672/");
        assertThat(t.kind()).isEqualTo("rabbitmq");
        assertThat(new RabbitTransportProvider().schemes()).containsExactly("amqp", "amqps");
    }

    @Test
    void closingTwiceIsFineAndAClosedTransportRefusesCalls() {
        RabbitQueueTransport t = open();
        t.close();
        t.close();
        assertThatThrownBy(t::ping).isInstanceOf(TransportUnavailableException.class);
        assertThatThrownBy(() -> t.publish(messages(queue, "a", 1))).isInstanceOf(TransportUnavailableException.class);
        assertThatThrownBy(() -> t.receive(queue, Set.of("a"), 1, WAIT)).isInstanceOf(TransportUnavailableException.class);
    }

    @Test
    void anOutageFailsCallsAtOnceReturnsHeldMessagesAndIsRecovered() throws Exception {
        try (TcpProxy proxy = new TcpProxy(TestBroker.HOST, TestBroker.PORT)) {
            RabbitQueueTransport t = open("amqp://guest:guest@127.0.0.1:" + proxy.port() + "?prefix=" + PREFIX);
            RabbitQueueTransport other = open();
            channel(queue, "a");
            List<QueueMessage> sent = messages(queue, "a", 1);
            t.publish(sent);
            List<Delivery> held = receiveAll(t, queue, Set.of("a"), 1);

            proxy.refuse();
            proxy.cut();
            await().atMost(Duration.ofSeconds(5)).until(() -> fails(t::ping));
            long start = System.nanoTime();
            assertThatThrownBy(() -> t.publish(messages(queue, "a", 1))).isInstanceOf(TransportUnavailableException.class);
            assertThatThrownBy(() -> t.receive(queue, Set.of("a"), 1, Duration.ofSeconds(5))).isInstanceOf(TransportUnavailableException.class);
            assertThatThrownBy(() -> t.count(queue, Set.of("a"))).isInstanceOf(TransportUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            t.ack(held); // its channel is gone: skipped, not thrown

            // the broker saw the connection go: the held message goes to another consumer
            List<Delivery> again = receiveAll(other, queue, Set.of("a"), 1);
            assertThat(again).extracting(Delivery::message).containsExactlyElementsOf(sent);
            other.ack(again);

            proxy.accept();
            await().atMost(Duration.ofSeconds(15)).until(() -> !fails(t::ping));
            List<QueueMessage> after = messages(queue, "a", 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> !fails(() -> t.publish(after)));
            List<Delivery> got = receiveAll(t, queue, Set.of("a"), 2);
            assertThat(got).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(after);
            t.ack(got);
            await().atMost(Duration.ofSeconds(5)).until(() -> t.count(queue, Set.of("a")) == 0);
        }
    }

    private static boolean fails(Runnable call) {
        try {
            call.run();
            return false;
        } catch (TransportUnavailableException e) {
            return true;
        }
    }
}

package io.ordo.rabbitmq;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueNamesTest {
    private final QueueNames names = new QueueNames("ordo");

    @Test
    void theDefaultPrefixNamesTheSharedQueues() {
        assertThat(names.deadLetters()).isEqualTo("ordo.dead");
        assertThat(names.registry()).isEqualTo("ordo.types");
        assertThat(names.channel("emails", "send")).isEqualTo("ordo.emails~send");
    }

    @Test
    void dotsInNamesDoNotMakeTwoChannelsShareAQueue() {
        assertThat(names.channel("a.b", "c")).isNotEqualTo(names.channel("a", "b.c"));
        assertThat(names.channel("a~b", "c")).isNotEqualTo(names.channel("a", "b~c"));
        assertThat(names.channel("dead", "x")).isNotEqualTo(names.deadLetters());
    }

    @Test
    void charactersOutsideOrdosNamesAreEscaped() {
        assertThat(names.channel("a b", "%")).isEqualTo("ordo.a%20b~%25");
        assertThat(names.channel("é", "t")).isEqualTo("ordo.%C3%A9~t");
    }

    @Test
    void theLongestNamesFitRabbitMqsLimitAndStayDistinct() {
        String q = "q".repeat(128);
        String one = names.channel(q, "t".repeat(127) + "1");
        String two = names.channel(q, "t".repeat(127) + "2");
        assertThat(one.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(255);
        assertThat(two.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(255);
        assertThat(one).isNotEqualTo(two).startsWith("ordo." + q);
        assertThat(names.channel("%".repeat(128), "%".repeat(128))).hasSizeLessThanOrEqualTo(255);
    }

    @Test
    void aPrefixMustBeAPlainName() {
        assertThatThrownBy(() -> new QueueNames("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QueueNames("amq.mine")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QueueNames("a~b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new QueueNames("staging.ordo").deadLetters()).isEqualTo("staging.ordo.dead");
    }
}

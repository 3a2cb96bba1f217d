package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Retry-After, the prompt's input references and the chat-completion response, without a server. */
class AgentHelpersTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-03T20:00:00Z"), ZoneOffset.UTC);

    @Test
    void retryAfterInSecondsOrAsAnHttpDateIsHonouredAndCapped() {
        assertThat(RetryAfter.delay("1", 1, NOW)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryAfter.delay(" 7 ", 3, NOW)).isEqualTo(Duration.ofSeconds(7));
        assertThat(RetryAfter.delay("Thu, 03 Dec 2026 20:00:05 GMT", 1, NOW)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryAfter.delay("Thu, 03 Dec 2026 19:59:00 GMT", 1, NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.delay("3600", 1, NOW)).isEqualTo(RetryAfter.CAP);
        assertThat(RetryAfter.delay("Fri, 04 Dec 2026 20:00:00 GMT", 1, NOW)).isEqualTo(RetryAfter.CAP);
    }

    @Test
    void withoutAValidRetryAfterTheBackoffDoublesUpToItsCap() {
        assertThat(RetryAfter.delay(null, 1, NOW)).isEqualTo(Duration.ofSeconds(1));
        assertThat(RetryAfter.delay("soon", 2, NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryAfter.delay("-1", 3, NOW)).isEqualTo(Duration.ofSeconds(4));
        assertThat(RetryAfter.delay("", 10, NOW)).isEqualTo(RetryAfter.BACKOFF_CAP);
    }

    @Test
    void inputReferencesAreFoundAndFilledFromTheDocument() {
        JsonNode doc = ActionTestSupport.cfg("{\"title\": \"T\", \"meta\": {\"lang\": \"fr\", \"n\": 2}, \"tags\": [\"a\"]}");
        String prompt = "{input.title} in {input.meta.lang}, {input.meta.n} {input.tags} {lang} {input.title}";
        assertThat(AgentPrompt.fields(prompt)).containsExactly("title", "meta.lang", "meta.n", "tags");
        assertThat(AgentPrompt.render(prompt, doc)).isEqualTo("T in fr, 2 [\"a\"] {lang} T");
        assertThat(AgentPrompt.fits(doc, AgentPrompt.fields(prompt))).isTrue();
        assertThat(AgentPrompt.fits(doc, AgentPrompt.fields("{input.markdown}"))).isFalse();
        assertThat(AgentPrompt.render("cost: $1 {input.title}", doc)).isEqualTo("cost: $1 T");
    }

    @Test
    void aChatCompletionIsReadWithItsUsage() {
        ChatCompletion.Answer a = ChatCompletion.parse(ChatStub.completion("m1", "hi", 3, 4).getBytes(StandardCharsets.UTF_8), "asked");
        assertThat(a.text()).isEqualTo("hi");
        assertThat(a.model()).isEqualTo("m1");
        assertThat(a.finishReason()).isEqualTo("stop");
        assertThat(a.usage()).isEqualTo(new ChatCompletion.Usage(3, 4, 7));

        ChatCompletion.Answer bare = ChatCompletion.parse("{\"choices\": [{\"message\": {\"content\": \"x\"}}]}".getBytes(StandardCharsets.UTF_8), "asked");
        assertThat(bare.model()).isEqualTo("asked");
        assertThat(bare.usage()).isEqualTo(new ChatCompletion.Usage(null, null, null));
        assertThat(bare.usage().toJson().toString()).isEqualTo("{\"prompt_tokens\":null,\"completion_tokens\":null,\"total_tokens\":null}");

        assertThatThrownBy(() -> ChatCompletion.parse("<html>".getBytes(StandardCharsets.UTF_8), "m"))
                .hasMessageContaining("not JSON");
    }

    @Test
    void theEndpointIsTheBaseUrlPlusChatCompletions() {
        assertThat(ChatCompletion.endpoint("http://127.0.0.1:11434/v1/").toString()).isEqualTo("http://127.0.0.1:11434/v1/chat/completions");
        assertThat(ChatCompletion.endpoint("https://api.openai.com/v1").toString()).isEqualTo("https://api.openai.com/v1/chat/completions");
    }
}

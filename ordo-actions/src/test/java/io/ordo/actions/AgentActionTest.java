package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent action against a local chat-completion stub (no network). */
class AgentActionTest extends ActionTestSupport {
    private final Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "sk-test-123"));

    private AgentAction agent(NetworkPolicy policy) {
        return new AgentAction(new SafeFetch(policy)).environment(env::get);
    }

    private AgentAction agent() {
        return agent(NetworkPolicy.defaults());
    }

    /** The one call child of a step without {@code from}. */
    private Job call(Job run) {
        List<Job> calls = scope(stepJob(run, "ask"));
        assertThat(calls).hasSize(1);
        return calls.get(0);
    }

    private static Map<String, Object> ask(ChatStub stub, Object... more) {
        Map<String, Object> c = new HashMap<>(Map.of("base_url", stub.baseUrl(), "model", "llama3.2", "prompt", "Say hello"));
        for (int i = 0; i < more.length; i += 2) c.put((String) more[i], more[i + 1]);
        return c;
    }

    @Test
    void a429WithRetryAfterIsRetriedAfterTheWaitThenSucceeds() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            stub.then(429, Map.of("Retry-After", "1"), "{\"error\": {\"message\": \"rate limited\"}}");
            node(agent());
            Job run = run(step("ask", "agent", cfg(ask(stub))));
            assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
            Job call = call(run);
            assertThat(call.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(call.attempt()).isEqualTo(1);
            assertThat(stub.seen).hasSize(2);
            long waitedMs = (stub.seen.get(1).nanos() - stub.seen.get(0).nanos()) / 1_000_000;
            assertThat(waitedMs).isGreaterThanOrEqualTo(1000);
            assertThat(call.result().path("answer").asText()).isEqualTo("summary of: Say hello");
            assertThat(call.result().path("requests").asInt()).isEqualTo(2);
            assertThat(logs(call.id())).anyMatch(l -> l.message().contains("returned 429") && l.message().contains("retrying in 1s"));
        }
    }

    @Test
    void a500IsRetriedWithBackoffThenSucceeds() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            stub.then(500, Map.of(), "upstream exploded");
            node(agent());
            Job run = run(step("ask", "agent", cfg(ask(stub))));
            assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(stub.seen).hasSize(2);
            assertThat(call(run).result().path("requests").asInt()).isEqualTo(2);
            assertThat(logs(call(run).id())).anyMatch(l -> l.message().equals("llama3.2 answered (stop, 18 tokens, request 2)"));
        }
    }

    @Test
    void aRedirectIsNotFollowedWithTheKey() throws Exception {
        try (ChatStub stub = new ChatStub(); ChatStub other = new ChatStub()) {
            stub.then(307, Map.of("Location", other.baseUrl() + "/chat/completions"), "");
            node(agent());
            Job run = run(step("ask", "agent", cfg(ask(stub, "api_key_env", "OPENAI_API_KEY"))));
            assertThat(run.status()).isEqualTo(JobStatus.FAILED);
            assertThat(call(run).error()).contains("returned 307");
            assertThat(stub.seen).hasSize(1);
            assertThat(other.seen).isEmpty();
        }
    }

    @Test
    void retriesStopAtMaxRetries() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            stub.then(503, Map.of("Retry-After", "0"), "busy").then(503, Map.of("Retry-After", "0"), "busy")
                    .then(503, Map.of("Retry-After", "0"), "still busy");
            node(agent());
            Job run = run(step("ask", "agent", cfg(ask(stub, "max_retries", 2))));
            assertThat(run.status()).isEqualTo(JobStatus.FAILED);
            assertThat(stub.seen).hasSize(3);
            assertThat(call(run).error()).contains("returned 503: still busy").contains("gave up after 3 requests");
        }
    }

    @Test
    void a400FailsAtOnceWithoutRetry() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            stub.then(400, Map.of(), "{\"error\": {\"message\": \"model 'nope' not found\"}}");
            node(agent());
            Job run = run(step("ask", "agent", cfg(ask(stub))));
            assertThat(run.status()).isEqualTo(JobStatus.FAILED);
            Job call = call(run);
            assertThat(call.status()).isEqualTo(JobStatus.FAILED);
            assertThat(call.attempt()).isEqualTo(1);
            assertThat(call.error()).contains("returned 400").contains("model 'nope' not found");
            assertThat(stub.seen).hasSize(1);
        }
    }

    @Test
    void aSlowAnswerTimesOut() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            stub.thenSlow(5_000);
            node(agent());
            long t0 = System.nanoTime();
            Job run = run(step("ask", "agent", cfg(ask(stub, "timeout", "400ms", "max_retries", 0))));
            assertThat(run.status()).isEqualTo(JobStatus.FAILED);
            assertThat(call(run).error()).contains("timed out after 400ms");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
            assertThat(stub.seen).hasSize(1);
        }
    }

    @Test
    void theKeyFromTheNamedVariableGoesInTheAuthorizationHeaderAndNowhereElse() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            node(agent());
            Job run = run(step("ask", "agent", cfg(ask(stub, "api_key_env", "OPENAI_API_KEY", "system", "Be brief.",
                    "max_tokens", 64, "temperature", 0.2))));
            assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
            ChatStub.Seen seen = stub.seen.get(0);
            assertThat(seen.authorization()).isEqualTo("Bearer sk-test-123");
            assertThat(seen.systemMessage()).isEqualTo("Be brief.");
            assertThat(seen.body().path("max_tokens").asInt()).isEqualTo(64);
            assertThat(seen.body().path("temperature").asDouble()).isEqualTo(0.2);
            assertThat(seen.body().path("model").asText()).isEqualTo("llama3.2");
            Job call = call(run);
            assertThat(call.payload().toString()).doesNotContain("sk-test-123").contains("OPENAI_API_KEY");
            assertThat(call.result().toString()).doesNotContain("sk-test-123");
            for (Job j : List.of(run, stepJob(run, "ask"), call)) {
                assertThat(logs(j.id())).noneMatch(l -> l.message().contains("sk-test-123"));
            }
        }
    }

    @Test
    void noKeyNoAuthorizationHeader() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            node(agent());
            assertThat(run(step("ask", "agent", cfg(ask(stub)))).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(stub.seen.get(0).authorization()).isNull();
        }
    }

    @Test
    void aMissingKeyVariableFailsTheStepBeforeAnyCall() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            env.clear();
            node(agent());
            Job run = run(step("ask", "agent", cfg(ask(stub, "api_key_env", "OPENAI_API_KEY"))));
            assertThat(run.status()).isEqualTo(JobStatus.FAILED);
            assertThat(stepJob(run, "ask").error()).contains("environment variable OPENAI_API_KEY (config.api_key_env) is not set on this node");
            assertThat(scope(stepJob(run, "ask"))).isEmpty();
            assertThat(stub.seen).isEmpty();
        }
    }

    @Test
    void theNetworkPolicyAppliesToTheEndpoint() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            node(agent(NetworkPolicy.strict()));
            Job run = run(step("ask", "agent", cfg(ask(stub))));
            assertThat(run.status()).isEqualTo(JobStatus.FAILED);
            assertThat(call(run).error()).contains("refused").contains("127.0.0.1 is in denied range 127.0.0.0/8");
            assertThat(stub.seen).isEmpty();
        }
    }

    @Test
    void aStrictPolicyThatAllowsTheEndpointReachesIt() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            node(agent(NetworkPolicy.strict().allow("127.0.0.1")));
            assertThat(run(step("ask", "agent", cfg(ask(stub)))).status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(stub.seen).hasSize(1);
        }
    }

    @Test
    void crawlTransformAgentAsksOnceForEachPageWithTheVariablesAndTheDocumentInThePrompt() throws Exception {
        try (TestSite site = new TestSite(); ChatStub stub = new ChatStub()) {
            site.page("/", "Home", "/a", "/b");
            site.page("/a", "Alpha", "/");
            site.page("/b", "Beta", "/a");
            node(new CrawlAction(), new TransformAction(), agent());
            Map<String, JsonNode> vars = Map.of("lang", TextNode.valueOf("French"), "llm", TextNode.valueOf(stub.baseUrl()));
            Job run = awaitEnd(start(vars,
                    tolerant(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/"))))), 5, ChildPolicy.Action.CONTINUE),
                    step("to_markdown", "transform", cfg(Map.of("from", "crawl")), List.of("crawl")),
                    step("summarise", "agent", cfg(Map.of("base_url", "{llm}", "model", "llama3.2", "from", "to_markdown",
                            "system", "Answer in {lang}.",
                            "prompt", "Summarise the page {input.title} ({input.url}):\n\n{input.markdown}")), List.of("to_markdown"))));
            assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);

            Job step = stepJob(run, "summarise");
            assertThat(step.result().path("calls").asInt()).isEqualTo(3);
            List<Job> calls = scope(step);
            assertThat(calls).hasSize(3).allMatch(j -> j.type().equals(AgentCall.TYPE) && j.status() == JobStatus.COMPLETED);
            Set<String> docs = scope(stepJob(run, "to_markdown")).stream().map(j -> j.id().toString()).collect(Collectors.toSet());
            assertThat(calls).extracting(j -> j.result().path("source_job").asText()).containsExactlyInAnyOrderElementsOf(docs);

            Job alpha = calls.stream().filter(j -> j.result().path("url").asText().equals(site.url("/a"))).findFirst().orElseThrow();
            assertThat(alpha.result().path("answer").asText())
                    .startsWith("summary of: Summarise the page Alpha (" + site.url("/a") + "):\n\n").contains("Text of Alpha.");
            assertThat(alpha.result().path("model").asText()).isEqualTo("llama3.2");
            assertThat(alpha.result().path("usage").path("prompt_tokens").asInt()).isEqualTo(11);
            assertThat(alpha.result().path("usage").path("completion_tokens").asInt()).isEqualTo(7);
            assertThat(alpha.result().path("usage").path("total_tokens").asInt()).isEqualTo(18);
            assertThat(alpha.result().path("finish_reason").asText()).isEqualTo("stop");
            assertThat(stub.seen).hasSize(3).allMatch(s -> "Answer in French.".equals(s.systemMessage()));
            assertThat(stub.seen).noneMatch(s -> s.userMessage().contains("{input."));
        }
    }

    @Test
    void aResponseThatIsNotAChatCompletionFailsTheCall() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            stub.then(200, Map.of(), "{\"choices\": []}");
            node(agent());
            Job run = run(step("ask", "agent", cfg(ask(stub))));
            assertThat(call(run).error()).contains("no choices[0].message.content");
            assertThat(stub.seen).hasSize(1);
        }
    }

    @Test
    void logsOfACallNameTheRetry() throws Exception {
        try (ChatStub stub = new ChatStub()) {
            stub.then(502, Map.of("Retry-After", "0"), "bad gateway");
            node(agent());
            Job call = call(run(step("ask", "agent", cfg(ask(stub)))));
            List<JobLog> logs = logs(call.id());
            assertThat(logs).anyMatch(l -> l.message().contains("returned 502: bad gateway; retrying in 0s (request 2 of 4)"));
        }
    }
}

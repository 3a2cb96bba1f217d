package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ordo.core.definition.DefinitionParser;
import io.ordo.core.definition.DefinitionValidator;
import io.ordo.core.definition.JobDefinition;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The example {@code job-definitions/summarise-site.yaml}: valid with the built-in actions, and it runs against a local site and model stub. */
class SummariseSiteExampleTest extends ActionTestSupport {
    private static final Path FILE = Path.of("..", "job-definitions", "summarise-site.yaml");

    private static JobDefinition parse() throws Exception {
        DefinitionParser.Result r = new DefinitionParser().parse(FILE.toString(), Files.readString(FILE));
        assertThat(r.problems()).isEmpty();
        return r.definition();
    }

    @Test
    void theExampleIsValid() throws Exception {
        JobDefinition def = parse();
        var actions = Map.<String, io.ordo.core.action.StepAction>of("crawl", new CrawlAction(), "transform", new TransformAction(),
                "agent", new AgentAction());
        assertThat(new DefinitionValidator(actions).validate(FILE.toString(), def)).isEmpty();
        assertThat(def.steps()).extracting(s -> s.action()).containsExactly("crawl", "transform", "agent");
        assertThat(def.config().get("llm").asText()).isEqualTo("http://127.0.0.1:11434/v1");
    }

    @Test
    void itSummarisesEachPageOfALocalSiteWithALocalModel() throws Exception {
        try (TestSite site = new TestSite(); ChatStub stub = new ChatStub()) {
            site.page("/", "Home", "/a", "/b");
            site.page("/a", "Alpha", "/");
            site.page("/b", "Beta", "/");
            JobDefinition def = parse();
            Map<String, JsonNode> vars = new HashMap<>(def.config());
            vars.put("base", TextNode.valueOf(site.base()));
            vars.put("llm", TextNode.valueOf(stub.baseUrl()));
            JobDefinition local = new JobDefinition(def.id(), def.name(), def.description(), def.schedule(), def.timeout(), def.enabled(),
                    def.tags(), vars, def.steps(), def.allowOverlap(), def.webhookUrl());
            node(new CrawlAction(), new TransformAction(), new AgentAction());
            Job run = awaitEnd(ordo.definitions().run(local));
            assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
            List<Job> calls = scope(stepJob(run, "summarise"));
            assertThat(calls).hasSize(3).allMatch(j -> j.status() == JobStatus.COMPLETED && j.result().path("answer").isTextual());
            assertThat(stub.seen).hasSize(3).allMatch(s -> s.body().path("model").asText().equals("llama3.2")
                    && s.systemMessage().equals("You summarise web pages in English, in at most three sentences.")
                    && s.userMessage().startsWith("Summarise this page (" + site.base()) && s.body().path("max_tokens").asInt() == 200);
        }
    }
}

package io.ordo.actions;

import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TransformActionTest extends ActionTestSupport {

    @Test
    void crawlThenTransformGivesOneMarkdownResultPerCrawledPage() throws Exception {
        try (TestSite site = new TestSite()) {
            site.page("/", "Home", "/a", "/b", "/missing");
            site.page("/a", "Alpha", "/", "/b");
            site.page("/b", "Beta", "/a");
            node(new CrawlAction(), new TransformAction());
            Job run = run(
                    tolerant(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/"))))), 5, ChildPolicy.Action.CONTINUE),
                    step("to_markdown", "transform", cfg(Map.of("from", "crawl")), List.of("crawl")));
            assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);

            List<Job> crawled = scope(stepJob(run, "crawl")).stream().filter(j -> j.status() == JobStatus.COMPLETED).toList();
            assertThat(crawled).hasSize(3);
            Job transform = stepJob(run, "to_markdown");
            assertThat(transform.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(transform.result().path("documents").asInt()).isEqualTo(3);
            List<Job> docs = scope(transform);
            assertThat(docs).hasSize(3).allMatch(j -> j.type().equals(TransformAction.DOC_TYPE) && j.status() == JobStatus.COMPLETED);
            Set<String> sources = crawled.stream().map(j -> j.id().toString()).collect(Collectors.toSet());
            assertThat(docs).extracting(j -> j.result().path("source_job").asText()).containsExactlyInAnyOrderElementsOf(sources);
            Job alpha = docs.stream().filter(j -> j.result().path("title").asText().equals("Alpha")).findFirst().orElseThrow();
            String md = alpha.result().path("markdown").asText();
            assertThat(alpha.result().path("url").asText()).isEqualTo(site.url("/a"));
            assertThat(md).contains("Alpha").contains("Text of Alpha.").contains("[link to /b](");
            assertThat(md).doesNotContain("<h1>").doesNotContain("<a ");
        }
    }

    @Test
    void selectorPicksThePartToConvert() {
        String html = "<html><body><nav>menu</nav><main><h2>Title</h2><p>Body <b>bold</b></p></main></body></html>";
        String md = TransformAction.markdown(html, "http://x/", "main");
        assertThat(md).contains("Title").contains("**bold**").doesNotContain("menu");
        assertThat(TransformAction.markdown(html, "http://x/", null)).contains("menu");
    }

    @Test
    void aMissingSourceStepFailsTheStep() {
        node(new TransformAction());
        Job run = run(step("to_markdown", "transform", cfg(Map.of("from", "nowhere"))));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        assertThat(stepJob(run, "to_markdown").error()).contains("config.from").contains("no finished step 'nowhere'");
    }
}

package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CrawlActionTest extends ActionTestSupport {
    private static final int SITE_PAGES = 60;
    private TestSite site;

    @BeforeEach
    void site() throws Exception {
        site = new TestSite();
        // /p/0 .. /p/59: cycles, duplicate links (relative, absolute, with fragments and dot segments), one slow page
        for (int i = 0; i < SITE_PAGES; i++) {
            int a = (i + 1) % SITE_PAGES, b = (i + 2) % SITE_PAGES, c = (i * 3 + 7) % SITE_PAGES;
            site.page("/p/" + i, "Page " + i,
                    "/p/" + a, "/p/" + a, "/p/" + a + "#top", site.url("/p/" + b), "../p/" + c, "/p/x/../" + b, "/p/0", "mailto:x@y.z");
        }
        site.slow("/p/3", 700);
    }

    @AfterEach
    void stop() {
        site.close();
    }

    private List<Job> pages(Job step) {
        return scope(step).stream().filter(j -> j.type().equals(CrawlAction.PAGE_TYPE)).toList();
    }

    @Test
    void stopsAtExactlyMaxPagesAndNeverFetchesAUrlTwice() {
        node(new CrawlAction());
        Job run = run(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/p/0")), "max_pages", 17, "max_depth", 20))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        Job step = stepJob(run, "crawl");
        assertThat(step.status()).isEqualTo(JobStatus.COMPLETED);
        List<Job> pages = pages(step);
        assertThat(pages).hasSize(17).allMatch(j -> j.status() == JobStatus.COMPLETED);
        Set<String> urls = new HashSet<>();
        for (Job p : pages) {
            JsonNode r = p.result();
            assertThat(r).isNotNull();
            urls.add(r.path("url").asText());
            assertThat(r.path("status").asInt()).isEqualTo(200);
            assertThat(r.path("title").asText()).startsWith("Page ");
            assertThat(r.path("text").asText()).contains("Text of Page");
            assertThat(r.path("html").asText()).contains("<h1>");
            assertThat(r.path("links").isArray()).isTrue();
            for (JsonNode l : r.path("links")) assertThat(l.asText()).doesNotContain("#").doesNotContain("/../").startsWith("http://");
        }
        assertThat(urls).hasSize(17);
        // the server saw exactly those 17 paths, each once
        assertThat(site.total.get()).isEqualTo(17);
        assertThat(site.hits.values()).allMatch(n -> n.get() == 1);
        assertThat(step.spawned()).isEqualTo(17);
    }

    @Test
    void crawlsEveryReachablePageOnceWithinTheCap() {
        node(new CrawlAction());
        Job run = run(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/p/0"), site.url("/p/0#again")),
                "max_pages", 500, "max_depth", 100))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        List<Job> pages = pages(stepJob(run, "crawl"));
        assertThat(pages).hasSize(SITE_PAGES);
        assertThat(site.total.get()).isEqualTo(SITE_PAGES);
        assertThat(site.hits.values()).allMatch(n -> n.get() == 1);
    }

    @Test
    void respectsMaxDepth() {
        site.page("/d/root", "root", "/d/a1", "/d/a2");
        site.page("/d/a1", "a1", "/d/b1");
        site.page("/d/a2", "a2", "/d/b2");
        site.page("/d/b1", "b1", "/d/c1");
        site.page("/d/b2", "b2");
        site.page("/d/c1", "c1");
        node(new CrawlAction());
        Job run = run(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/d/root")), "max_depth", 1))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        Job step = stepJob(run, "crawl");
        List<Job> pages = pages(step);
        assertThat(pages).extracting(j -> j.result().path("url").asText())
                .containsExactlyInAnyOrder(site.url("/d/root"), site.url("/d/a1"), site.url("/d/a2"));
        for (Job p : pages) {
            int crawlDepth = p.result().path("depth").asInt();
            assertThat(p.depth()).isEqualTo(step.depth() + 1 + crawlDepth); // start pages are children of the step
        }
        assertThat(site.hits("/d/b1")).isZero();
        assertThat(site.hits("/d/b2")).isZero();
        assertThat(site.hits("/d/c1")).isZero();
        assertThat(step.childPolicy().maxDepth()).isEqualTo(2);
        assertThat(step.childPolicy().maxChildren()).isEqualTo(CrawlAction.DEFAULT_MAX_PAGES);
    }

    @Test
    void maxDepthZeroFetchesOnlyTheStartPages() {
        node(new CrawlAction());
        Job run = run(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/p/10"), site.url("/p/20")), "max_depth", 0))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(pages(stepJob(run, "crawl"))).hasSize(2);
        assertThat(site.total.get()).isEqualTo(2);
    }

    @Test
    void includeAndExcludePatternsAndSameHost() {
        String other = "http://localhost:" + site.port();
        site.page("/s/start", "start", "/docs/a", "/docs/private/b", "/blog/c", other + "/docs/d");
        site.page("/docs/a", "a", "/docs/a2");
        site.page("/docs/a2", "a2");
        site.page("/docs/private/b", "b");
        site.page("/blog/c", "c");
        site.page("/docs/d", "d");
        node(new CrawlAction());
        Map<String, Object> cfg = Map.of("start_urls", List.of(site.url("/s/start")), "include_patterns", List.of("/docs/"),
                "exclude_patterns", List.of("private"));
        Job run = run(step("crawl", "crawl", cfg(cfg)));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(pages(stepJob(run, "crawl"))).extracting(j -> j.result().path("url").asText())
                .containsExactlyInAnyOrder(site.url("/s/start"), site.url("/docs/a"), site.url("/docs/a2"));
        assertThat(site.hits("/docs/private/b")).isZero();
        assertThat(site.hits("/blog/c")).isZero();
        assertThat(site.hits("localhost", "/docs/d")).isZero();

        // same_host: false follows the link to the other host name too (and only it: the patterns still apply)
        Map<String, Object> cfg2 = new java.util.HashMap<>(cfg);
        cfg2.put("same_host", false);
        Job run2 = run(step("crawl", "crawl", cfg(cfg2)));
        assertThat(run2.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(pages(stepJob(run2, "crawl"))).extracting(j -> j.result().path("url").asText())
                .containsExactlyInAnyOrder(site.url("/s/start"), site.url("/docs/a"), site.url("/docs/a2"), other + "/docs/d");
        assertThat(site.hits("localhost", "/docs/d")).isEqualTo(1);
        assertThat(site.hits("/docs/private/b")).isZero();
    }

    @Test
    void notFoundPagesAreFailedChildrenAndTheToleranceDecides() {
        site.page("/e/start", "start", "/e/ok", "/e/missing1", "/e/missing2", "/e/error");
        site.page("/e/ok", "ok", "/e/missing1");
        site.route("/e/error", ex -> TestSite.respond(ex, 503, "text/plain", "down"));
        node(new CrawlAction());
        Map<String, Object> cfg = Map.of("start_urls", List.of(site.url("/e/start")));

        Job run = run(tolerant(step("crawl", "crawl", cfg(cfg)), 10, ChildPolicy.Action.CONTINUE));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        List<Job> pages = pages(stepJob(run, "crawl"));
        assertThat(pages).hasSize(5);
        List<Job> failed = pages.stream().filter(j -> j.status() == JobStatus.FAILED).toList();
        assertThat(failed).hasSize(3);
        assertThat(failed).extracting(Job::error).anyMatch(e -> e.contains("/e/missing1 returned 404"))
                .anyMatch(e -> e.contains("/e/error returned 503"));
        assertThat(failed).allMatch(j -> j.attempt() == 1); // not retried
        assertThat(site.hits("/e/missing1")).isEqualTo(1);
        assertThat(site.hits("/e/error")).isEqualTo(1);

        // no tolerance: the failed pages fail the step, and the run
        Job run2 = run(step("crawl", "crawl", cfg(cfg)));
        assertThat(run2.status()).isEqualTo(JobStatus.FAILED);
        Job step2 = stepJob(run2, "crawl");
        assertThat(step2.status()).isEqualTo(JobStatus.FAILED);
        assertThat(step2.error()).contains("3 of 5 children failed");
    }

    @Test
    void concurrencyLimitsFetchesOfOneStepOnANode() {
        List<String> links = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            links.add("/c/s" + i);
            site.page("/c/s" + i, "slow " + i).slow("/c/s" + i, 250);
        }
        site.page("/c/start", "start", links.toArray(String[]::new));
        node(new CrawlAction());
        long t0 = System.nanoTime();
        Job run = run(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/c/start")), "concurrency", 2))));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(site.total.get()).isEqualTo(9);
        assertThat(site.maxInFlight.get()).isEqualTo(2);
        assertThat(ms).isGreaterThanOrEqualTo(4 * 250);
    }

    @Test
    void redirectsAreFollowedOnlyWithinTheRules() {
        site.page("/r/start", "start", "/r/moved", "/r/away");
        site.route("/r/moved", ex -> {
            ex.getResponseHeaders().set("Location", "/r/target");
            TestSite.respond(ex, 301, null, "");
        });
        site.page("/r/target", "target");
        site.route("/r/away", ex -> {
            ex.getResponseHeaders().set("Location", "http://localhost:" + site.port() + "/r/target");
            TestSite.respond(ex, 302, null, "");
        });
        node(new CrawlAction());
        Job run = run(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/r/start"))))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        List<Job> pages = pages(stepJob(run, "crawl"));
        Job moved = pages.stream().filter(j -> j.result().path("url").asText().endsWith("/r/moved")).findFirst().orElseThrow();
        assertThat(moved.result().path("final_url").asText()).isEqualTo(site.url("/r/target"));
        assertThat(moved.result().path("title").asText()).isEqualTo("target");
        Job away = pages.stream().filter(j -> j.result().path("url").asText().endsWith("/r/away")).findFirst().orElseThrow();
        assertThat(away.result().path("status").asInt()).isEqualTo(302);
        assertThat(away.result().has("html")).isFalse();
        assertThat(site.hits("localhost", "/r/target")).isZero();
    }

    @Test
    void stopAllToleranceStopsTheCrawl() {
        List<String> links = new ArrayList<>(List.of("/t/missing1", "/t/missing2"));
        for (int i = 0; i < 20; i++) {
            links.add("/t/s" + i);
            site.page("/t/s" + i, "slow " + i).slow("/t/s" + i, 200);
        }
        site.page("/t/start", "start", links.toArray(String[]::new));
        node(new CrawlAction());
        Job run = run(tolerant(step("crawl", "crawl", cfg(Map.of("start_urls", List.of(site.url("/t/start")), "concurrency", 1))),
                1, ChildPolicy.Action.STOP_ALL));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        Job step = stepJob(run, "crawl");
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        assertThat(step.error()).startsWith("stopped:");
        assertThat(pages(step)).anyMatch(j -> j.status() == JobStatus.CANCELLED);
        assertThat(site.total.get()).isLessThan(23);
    }
}

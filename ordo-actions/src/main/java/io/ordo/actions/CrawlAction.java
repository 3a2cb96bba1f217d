package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * The {@code crawl} step: a web crawl where every page is a child job of type {@value #PAGE_TYPE}.
 * The step spawns one page job per start URL (crawl depth 0); each page job fetches its URL
 * (through {@link SafeFetch}, so the {@link NetworkPolicy} holds for every page and redirect),
 * parses it with jsoup, saves its result {@code {url, title, text, links, status, html, depth}} and
 * spawns page jobs for the links it found at depth + 1 that pass the filters.
 *
 * <p>Config: {@code start_urls} (required, list), {@code include_patterns} /
 * {@code exclude_patterns} (regular expressions searched in the normalized URL: a link is followed
 * when it matches no exclude pattern and — if include patterns are given — at least one include
 * pattern; start URLs are always fetched), {@code max_depth} (2), {@code max_pages} (100),
 * {@code same_host} (true: only links whose host is one of the start URLs' hosts; the port is not
 * compared; off-host redirects are not followed either), {@code concurrency} (4), {@code timeout}
 * (30s per page fetch).
 *
 * <p>Guarantees: {@code max_pages} is the step's scope limit {@code maxChildren} and
 * {@code max_depth + 1} its {@code maxDepth} (pages at crawl depth d are d + 1 levels below the
 * step), both enforced by the store atomically; children are spawned with {@code spawnUpTo}, so the
 * cap truncates. Every page job has the dedup key {@code crawl:<step job id>:<normalized URL>}:
 * within one run of the step a URL is fetched once (again only if a node crashes mid-fetch or a
 * network error is retried). A 4xx/5xx page fails its job for good ({@link
 * io.ordo.core.handler.PermanentFailure}); the step's {@code error_tolerance} decides what that
 * means for the step. A page job itself ignores its children's failures: they count in the step's
 * scope, not against the page that linked to them. {@code concurrency} limits the page fetches of
 * one step at once <em>per node</em> (a semaphore per step job in this action instance).
 */
public final class CrawlAction implements StepAction {
    public static final String PAGE_TYPE = "ordo.crawl.page";
    private static final Set<String> FIELDS = Set.of("start_urls", "include_patterns", "exclude_patterns", "max_depth",
            "max_pages", "same_host", "concurrency", "timeout");
    static final int DEFAULT_MAX_DEPTH = 2;
    static final int DEFAULT_MAX_PAGES = 100;
    static final int DEFAULT_CONCURRENCY = 4;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final CrawlPage pages;

    /** With {@link NetworkPolicy#defaults()}. */
    public CrawlAction() {
        this(NetworkPolicy.defaults());
    }

    public CrawlAction(NetworkPolicy policy) {
        this(new SafeFetch(policy));
    }

    public CrawlAction(SafeFetch fetch) {
        this.pages = new CrawlPage(fetch, new Gates());
    }

    @Override
    public String name() {
        return "crawl";
    }

    /** The checked config of a crawl. */
    record Spec(List<String> startUrls, List<Pattern> include, List<Pattern> exclude, int maxDepth, int maxPages,
                boolean sameHost, int concurrency, Duration timeout) {
    }

    static Spec spec(JsonNode config) {
        ActionConfig c = new ActionConfig(config).only(FIELDS);
        if (!c.has("start_urls")) throw ActionConfig.bad("start_urls", "required");
        List<String> start = c.strings("start_urls");
        if (start.isEmpty()) throw ActionConfig.bad("start_urls", "must list at least one URL");
        for (int i = 0; i < start.size(); i++) ActionConfig.checkUrl("start_urls[" + i + "]", start.get(i));
        List<Pattern> include = c.patterns("include_patterns");
        List<Pattern> exclude = c.patterns("exclude_patterns");
        int maxDepth = c.integer("max_depth", DEFAULT_MAX_DEPTH, 0, 100, "an integer from 0 to 100");
        int maxPages = c.integer("max_pages", DEFAULT_MAX_PAGES, 1, 1_000_000, "a positive integer (at most 1000000)");
        boolean sameHost = c.bool("same_host", true);
        int concurrency = c.integer("concurrency", DEFAULT_CONCURRENCY, 1, 256, "an integer from 1 to 256");
        Duration timeout = c.duration("timeout", DEFAULT_TIMEOUT);
        return new Spec(start, include, exclude, maxDepth, maxPages, sameHost, concurrency, timeout);
    }

    @Override
    public void validate(JsonNode config) {
        spec(config);
    }

    @Override
    public ChildPolicy scopeLimits(JsonNode config) {
        Spec s;
        try {
            s = spec(config);
        } catch (RuntimeException e) {
            return null; // the step fails on its config when it runs
        }
        return ChildPolicy.limits(s.maxPages(), s.maxDepth() + 1);
    }

    @Override
    public List<JobHandler> childHandlers() {
        return List.of(pages);
    }

    @Override
    public Object run(StepContext ctx) {
        Spec s = spec(ctx.config());
        Set<String> start = new LinkedHashSet<>();
        for (String u : s.startUrls()) {
            String n = Urls.normalize(u);
            if (n == null) throw ActionConfig.bad("start_urls", "'" + u + "' is not an absolute http(s) URL");
            start.add(n);
        }
        ObjectNode rules = rules(s, start);
        List<JobRequest> children = new ArrayList<>();
        for (String u : start) children.add(page(ctx.id(), u, 0, rules));
        List<Job> spawned = ctx.spawnUpTo(children);
        ctx.info("crawl of " + start.size() + " start URL(s): max_depth " + s.maxDepth() + ", max_pages " + s.maxPages()
                + ", same_host " + s.sameHost() + ", concurrency " + s.concurrency() + " per node; " + spawned.size() + " start page(s) spawned");
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode urls = result.putArray("start_urls");
        start.forEach(urls::add);
        result.put("max_depth", s.maxDepth()).put("max_pages", s.maxPages());
        return result;
    }

    /** What every page job needs to follow links: the step's config bits. */
    private static ObjectNode rules(Spec s, Set<String> start) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        ArrayNode inc = r.putArray("include_patterns");
        s.include().forEach(p -> inc.add(p.pattern()));
        ArrayNode exc = r.putArray("exclude_patterns");
        s.exclude().forEach(p -> exc.add(p.pattern()));
        r.put("max_depth", s.maxDepth());
        r.put("same_host", s.sameHost());
        ArrayNode hosts = r.putArray("hosts");
        start.stream().map(Urls::host).distinct().forEach(hosts::add);
        r.put("concurrency", s.concurrency());
        r.put("timeout", Durations.format(s.timeout()));
        return r;
    }

    /** A page job: payload {@code {url, depth, step, rules}}, dedup key per step job and URL. */
    static JobRequest page(UUID stepId, String normalizedUrl, int depth, JsonNode rules) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("url", normalizedUrl);
        p.put("depth", depth);
        p.put("step", stepId.toString());
        p.set("rules", rules);
        return JobRequest.of(PAGE_TYPE).payload(p)
                .dedupKey(dedupKey(stepId, normalizedUrl))
                // a page ends completed whatever its linked pages do: their failures count in the step's scope
                .childPolicy(ChildPolicy.tolerance(Integer.MAX_VALUE, ChildPolicy.Action.CONTINUE));
    }

    static String dedupKey(UUID stepId, String normalizedUrl) {
        return Urls.key("crawl:" + stepId + ":", normalizedUrl);
    }

    /** One semaphore per step job while its pages fetch on this node; dropped when none uses it. */
    static final class Gates {
        private final Map<UUID, Gate> gates = new ConcurrentHashMap<>();

        static final class Gate {
            final Semaphore permits;
            int users;

            Gate(int n) {
                permits = new Semaphore(n, true);
            }
        }

        Gate enter(UUID step, int permits) {
            return gates.compute(step, (k, g) -> {
                Gate out = g == null ? new Gate(permits) : g;
                out.users++;
                return out;
            });
        }

        void leave(UUID step) {
            gates.computeIfPresent(step, (k, g) -> --g.users == 0 ? null : g);
        }
    }
}

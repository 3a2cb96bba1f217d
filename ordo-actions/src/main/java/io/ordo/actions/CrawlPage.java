package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Runs one page of a crawl (job type {@value CrawlAction#PAGE_TYPE}): fetch, parse, save, spawn the
 * next pages. Network errors are retried once; a 4xx/5xx answer, a refused address or a bad URL
 * fail the page for good.
 */
final class CrawlPage implements JobHandler {
    static final int MAX_HTML = 2 * 1024 * 1024;
    static final int MAX_TEXT = 200_000;
    static final int MAX_LINKS = 1000;
    private static final Set<String> HTML_TYPES = Set.of("text/html", "application/xhtml+xml", "");

    private final SafeFetch fetch;
    private final CrawlAction.Gates gates;

    CrawlPage(SafeFetch fetch, CrawlAction.Gates gates) {
        this.fetch = fetch;
        this.gates = gates;
    }

    @Override
    public String type() {
        return CrawlAction.PAGE_TYPE;
    }

    @Override
    public JobTypeOptions options() {
        return new JobTypeOptions(2, null, Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    @Override
    public void validate(JsonNode payload) {
        if (!payload.path("url").isTextual() || !payload.path("step").isTextual() || !payload.path("rules").isObject()) {
            throw new io.ordo.core.InvalidRequestException(CrawlAction.PAGE_TYPE + " jobs are spawned by the crawl action: payload needs url, step and rules");
        }
    }

    /** The link rules a page carries from its step. */
    private record Rules(List<Pattern> include, List<Pattern> exclude, int maxDepth, boolean sameHost, Set<String> hosts,
                         int concurrency, Duration timeout) {
        static Rules of(JsonNode r) {
            List<Pattern> inc = new ArrayList<>();
            r.path("include_patterns").forEach(p -> inc.add(Pattern.compile(p.asText())));
            List<Pattern> exc = new ArrayList<>();
            r.path("exclude_patterns").forEach(p -> exc.add(Pattern.compile(p.asText())));
            Set<String> hosts = new HashSet<>();
            r.path("hosts").forEach(h -> hosts.add(h.asText()));
            return new Rules(inc, exc, r.path("max_depth").asInt(), r.path("same_host").asBoolean(true), hosts,
                    Math.max(1, r.path("concurrency").asInt(CrawlAction.DEFAULT_CONCURRENCY)),
                    Durations.parse("timeout", r.path("timeout").asText("30s")));
        }

        boolean hostAllowed(String normalizedUrl) {
            return !sameHost || hosts.contains(Urls.host(normalizedUrl));
        }

        boolean follow(String normalizedUrl) {
            if (!hostAllowed(normalizedUrl)) return false;
            for (Pattern p : exclude) if (p.matcher(normalizedUrl).find()) return false;
            if (include.isEmpty()) return true;
            for (Pattern p : include) if (p.matcher(normalizedUrl).find()) return true;
            return false;
        }
    }

    @Override
    public Object run(JobContext ctx) throws Exception {
        JsonNode p = ctx.payload();
        String url = p.path("url").asText();
        int depth = p.path("depth").asInt();
        UUID step = UUID.fromString(p.path("step").asText());
        Rules rules = Rules.of(p.path("rules"));

        SafeFetch.Response resp = fetch(ctx, url, step, rules);
        ctx.checkCancelled();
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("url", url);
        String finalUrl = Urls.normalize(resp.uri().toString());
        if (resp.redirects() > 0 && finalUrl != null) result.put("final_url", finalUrl);
        result.put("status", resp.status());
        result.put("depth", depth);

        if (resp.status() >= 400) {
            throw new PermanentFailure("GET " + url + " returned " + resp.status());
        }
        if (resp.status() >= 300) { // a redirect we did not follow (off-site, too many, or not http)
            result.put("location", resp.location());
            ctx.saveResult(result);
            ctx.info(url + ": " + resp.status() + " redirect to " + resp.location() + " not followed");
            return null;
        }
        if (!HTML_TYPES.contains(resp.mediaType())) {
            result.put("content_type", resp.contentType());
            ctx.saveResult(result);
            ctx.info(url + ": " + resp.mediaType() + ", not parsed");
            return null;
        }

        Charset cs = resp.charset();
        Document doc = Jsoup.parse(new ByteArrayInputStream(resp.body()), cs == null ? null : cs.name(), resp.uri().toString());
        Set<String> links = links(doc);
        String text = doc.body() == null ? "" : doc.body().text();
        result.put("title", doc.title());
        result.put("text", text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text);
        ArrayNode l = result.putArray("links");
        links.forEach(l::add);
        result.put("html", new String(resp.body(), doc.charset()));
        if (resp.truncated()) result.put("truncated", true);
        ctx.saveResult(result);

        int spawned = 0;
        int candidates = 0;
        if (depth < rules.maxDepth()) {
            List<JobRequest> next = new ArrayList<>();
            for (String link : links) {
                if (rules.follow(link)) next.add(CrawlAction.page(step, link, depth + 1, p.path("rules")));
            }
            candidates = next.size();
            if (!next.isEmpty()) {
                for (Job j : ctx.spawnUpTo(next)) if (ctx.id().equals(j.parentId())) spawned++;
            }
        }
        ctx.info("GET " + url + " -> " + resp.status() + ", " + links.size() + " links, " + candidates + " to follow, "
                + spawned + " new page(s)" + (spawned < candidates ? " (the rest were seen already or over max_pages)" : ""));
        return null;
    }

    private SafeFetch.Response fetch(JobContext ctx, String url, UUID step, Rules rules) throws Exception {
        SafeFetch.Request req = new SafeFetch.Request("GET", URI.create(url), java.util.Map.of("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"),
                null, null, rules.timeout(), 5, MAX_HTML, u -> {
                    String n = Urls.normalize(u.toString());
                    return n != null && rules.hostAllowed(n);
                });
        CrawlAction.Gates.Gate gate = gates.enter(step, rules.concurrency());
        try {
            gate.permits.acquire();
            try {
                ctx.checkCancelled();
                return fetch.fetch(req);
            } finally {
                gate.permits.release();
            }
        } catch (NetworkPolicy.DeniedAddressException e) {
            throw new PermanentFailure("GET " + url + " refused: " + e.getMessage(), e);
        } finally {
            gates.leave(step);
        }
    }

    /** The page's links: absolute, normalized, http(s) only, in order, each once. */
    private static Set<String> links(Document doc) {
        Set<String> out = new LinkedHashSet<>();
        for (Element a : doc.select("a[href], area[href]")) {
            String abs = a.absUrl("href");
            if (abs.isEmpty()) continue;
            String n = Urls.normalize(abs);
            if (n == null || n.length() > 2000) continue;
            String scheme = n.substring(0, n.indexOf(':')).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) continue;
            out.add(n);
            if (out.size() >= MAX_LINKS) break;
        }
        return out;
    }
}

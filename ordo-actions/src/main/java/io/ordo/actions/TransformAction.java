package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vladsch.flexmark.html2md.converter.FlexmarkHtmlConverter;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.Page;
import io.ordo.core.util.Json;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code transform} step: converts the HTML results of an earlier step of the same run (e.g. a
 * {@code crawl}) to Markdown with flexmark's html2md converter, one child job of type
 * {@value #DOC_TYPE} per document, whose result is {@code {url, title, markdown, source_job}}.
 *
 * <p>Config: {@code from} (required: the name of the earlier step; it must be finished, so list it
 * in {@code depends}), {@code selector} (optional CSS selector: convert only the matching elements,
 * e.g. {@code "main, article"}; default the whole body). A document is any job of that step's
 * scope whose result has an {@code html} string. Each child has the dedup key
 * {@code transform:<step job id>:<source job id>}, so a step re-run after a crash does not
 * duplicate documents. The conversion runs in the children (in parallel, on any node).
 */
public final class TransformAction implements StepAction {
    public static final String DOC_TYPE = "ordo.transform.doc";
    private static final Set<String> FIELDS = Set.of("from", "selector");
    private static final int PAGE = 100;

    @Override
    public String name() {
        return "transform";
    }

    @Override
    public void validate(JsonNode config) {
        ActionConfig c = new ActionConfig(config).only(FIELDS);
        if (!c.has("from")) {
            throw ActionConfig.bad("from", "required (the name of the earlier step whose HTML results to convert, e.g. from: crawl)");
        }
        c.requiredText("from");
        String sel = c.text("selector", null);
        if (sel != null && !ActionConfig.hasRef(sel)) {
            try {
                org.jsoup.select.QueryParser.parse(sel);
            } catch (RuntimeException e) {
                throw ActionConfig.bad("selector", "not a valid CSS selector: " + e.getMessage());
            }
        }
    }

    @Override
    public List<JobHandler> childHandlers() {
        return List.of(new DocHandler());
    }

    @Override
    public Object run(StepContext ctx) {
        validate(ctx.config());
        ActionConfig c = new ActionConfig(ctx.config());
        String from = c.requiredText("from");
        String selector = c.text("selector", null);
        if (from.equals(ctx.stepName())) throw ActionConfig.bad("from", "'" + from + "' is this step itself");
        int documents = 0;
        int accepted = 0;
        String cursor = null;
        do {
            Page<Job> page;
            try {
                page = ctx.results(from, cursor, PAGE);
            } catch (InvalidRequestException e) {
                throw ActionConfig.bad("from", e.getMessage() + " (list it in this step's depends)");
            }
            List<JobRequest> docs = new ArrayList<>();
            for (Job j : page.items()) {
                JsonNode r = j.result();
                if (r == null || !r.path("html").isTextual()) continue;
                ObjectNode p = Json.MAPPER.createObjectNode();
                p.put("source_job", j.id().toString());
                p.put("url", r.path("url").asText(null));
                p.put("title", r.path("title").asText(null));
                p.put("html", r.path("html").asText());
                if (selector != null) p.put("selector", selector);
                docs.add(JobRequest.of(DOC_TYPE).payload(p).dedupKey("transform:" + ctx.id() + ":" + j.id()));
            }
            if (!docs.isEmpty()) {
                documents += docs.size();
                accepted += ctx.spawnUpTo(docs).size();
            }
            cursor = page.nextCursor();
            ctx.checkCancelled();
        } while (cursor != null);
        if (accepted < documents) ctx.warn((documents - accepted) + " of " + documents + " documents left out: over the step's max_children");
        ctx.info(accepted + " document(s) of step '" + from + "' to convert");
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("from", from);
        result.put("documents", accepted);
        return result;
    }

    /** Converts HTML to Markdown; {@code selector} (may be null) picks the part of the page to convert. */
    static String markdown(String html, String baseUrl, String selector) {
        Document doc = Jsoup.parse(html, baseUrl == null ? "" : baseUrl);
        String part;
        if (selector != null && !selector.isBlank()) {
            Elements picked = doc.select(selector);
            part = picked.isEmpty() ? doc.body().html() : picked.outerHtml();
        } else {
            Element body = doc.body();
            part = body == null ? doc.html() : body.html();
        }
        return FlexmarkHtmlConverter.builder().build().convert(part).strip();
    }

    /** One document: payload {@code {source_job, url, title, html, selector?}}; result {@code {url, title, markdown, source_job}}. */
    static final class DocHandler implements JobHandler {
        @Override
        public String type() {
            return DOC_TYPE;
        }

        @Override
        public JobTypeOptions options() {
            return new JobTypeOptions(2, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(10));
        }

        @Override
        public void validate(JsonNode payload) {
            if (!payload.path("html").isTextual()) throw new InvalidRequestException(DOC_TYPE + ": payload.html: required");
        }

        @Override
        public Object run(JobContext ctx) {
            JsonNode p = ctx.payload();
            String url = p.path("url").asText(null);
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("url", url);
            out.put("title", p.path("title").asText(null));
            out.put("markdown", markdown(p.path("html").asText(), url, p.path("selector").asText(null)));
            out.put("source_job", p.path("source_job").asText(null));
            return out;
        }
    }
}

package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.Page;
import io.ordo.core.util.Json;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The {@code agent} step: asks a chat-completion endpoint in the OpenAI-compatible format (OpenAI,
 * Ollama, vLLM, most gateways) about each document of an earlier step, one child job of type
 * {@value AgentCall#TYPE} per document, whose result is the answer and its token usage (see
 * {@link AgentCall}). Without {@code from} the step makes one call with its prompt as written.
 *
 * <p>Config: {@code base_url} (required, e.g. {@code http://127.0.0.1:11434/v1}), {@code model}
 * (required), {@code prompt} (required; {@code {input.FIELD}} is a field of the input document, the
 * definition's {@code {variables}} are substituted before), {@code system}, {@code from} (the earlier
 * step whose results are the documents: each result holding every field the prompt refers to),
 * {@code api_key_env} (the name of the node's environment variable holding the key, sent as
 * {@code Authorization: Bearer}), {@code max_tokens}, {@code temperature} (0 to 2),
 * {@code timeout} (per request, 120s), {@code max_retries} (3; for 429, 5xx, connection errors
 * and timeouts).
 *
 * <p>The endpoint is reached through the node's {@link SafeFetch}, so the node's network policy
 * applies to it as to {@code http} (the default policy allows loopback: a local Ollama works; a
 * node on {@link NetworkPolicy#strict()} needs {@code allow("127.0.0.1")} for it). Because the
 * definition chooses both the URL and the variable, only variables the node allows may be named:
 * by default names ending in {@code _API_KEY} that do not start with {@code ORDO_}.
 */
public final class AgentAction implements StepAction {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    static final int DEFAULT_RETRIES = 3;
    /** Names ending in _API_KEY, none of Ordo's own. */
    public static final Pattern DEFAULT_KEY_VARIABLES = Pattern.compile("(?!ORDO_)[A-Za-z_][A-Za-z0-9_]*_API_KEY");
    private static final Set<String> FIELDS = Set.of("base_url", "model", "api_key_env", "system", "prompt", "from", "max_tokens",
            "temperature", "timeout", "max_retries");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int PAGE = 100;

    private final SafeFetch fetch;
    private final Pattern keyVariables;
    private final UnaryOperator<String> env;
    private final Clock clock;

    /** With {@link NetworkPolicy#defaults()}. */
    public AgentAction() {
        this(new SafeFetch(NetworkPolicy.defaults()));
    }

    /** Through this fetcher (and its network policy), with keys from the process environment. */
    public AgentAction(SafeFetch fetch) {
        this(fetch, DEFAULT_KEY_VARIABLES, System::getenv, Clock.systemUTC());
    }

    AgentAction(SafeFetch fetch, Pattern keyVariables, UnaryOperator<String> env, Clock clock) {
        this.fetch = fetch;
        this.keyVariables = keyVariables;
        this.env = env;
        this.clock = clock;
    }

    /** A copy that lets {@code api_key_env} name the variables matching {@code names} (whole name) instead. */
    public AgentAction keyVariables(Pattern names) {
        return new AgentAction(fetch, names, env, clock);
    }

    /** A copy that reads keys through {@code lookup} instead of the process environment (tests, secret stores). */
    public AgentAction environment(UnaryOperator<String> lookup) {
        return new AgentAction(fetch, keyVariables, lookup, clock);
    }

    @Override
    public String name() {
        return "agent";
    }

    record Spec(String baseUrl, String model, String keyEnv, String system, String prompt, String from, Integer maxTokens,
                Double temperature, Duration timeout, int maxRetries, Set<String> inputFields) {
    }

    @Override
    public void validate(JsonNode config) {
        spec(config);
    }

    private Spec spec(JsonNode config) {
        ActionConfig c = new ActionConfig(config).only(FIELDS);
        String baseUrl = c.requiredText("base_url").trim();
        ActionConfig.checkUrl("base_url", baseUrl);
        String model = c.requiredText("model").trim();
        String keyEnv = c.text("api_key_env", null);
        if (keyEnv != null) {
            keyEnv = keyEnv.trim();
            if (!ActionConfig.hasRef(keyEnv)) {
                if (!NAME.matcher(keyEnv).matches()) {
                    throw ActionConfig.bad("api_key_env", "'" + keyEnv + "' is not an environment variable name (the name, not the key)");
                }
                if (!keyVariables.matcher(keyEnv).matches()) {
                    throw ActionConfig.bad("api_key_env", "'" + keyEnv + "' may not be read by this node (allowed: names matching "
                            + keyVariables.pattern() + ", e.g. OPENAI_API_KEY)");
                }
            }
        }
        String system = c.text("system", null);
        String prompt = c.requiredText("prompt");
        String from = c.text("from", null);
        if (from != null && from.isBlank()) throw ActionConfig.bad("from", "must be a non-empty string");
        Set<String> inputs = new LinkedHashSet<>(AgentPrompt.fields(system));
        inputs.addAll(AgentPrompt.fields(prompt));
        if (from != null && inputs.isEmpty()) {
            throw ActionConfig.bad("prompt", "refers to no field of the input documents: add one such as {input.markdown} (with from: "
                    + from + ")");
        }
        if (from == null && !inputs.isEmpty()) {
            throw ActionConfig.bad("prompt", "{input." + inputs.iterator().next() + "} needs from: the earlier step whose results are the input");
        }
        Integer maxTokens = c.integer("max_tokens", null, 1, 1_000_000, "an integer from 1 to 1000000");
        Double temperature = temperature(c.raw().get("temperature"));
        Duration timeout = c.duration("timeout", DEFAULT_TIMEOUT);
        int maxRetries = c.integer("max_retries", DEFAULT_RETRIES, 0, 10, "an integer from 0 to 10");
        return new Spec(baseUrl, model, keyEnv, system, prompt, from, maxTokens, temperature, timeout, maxRetries, inputs);
    }

    private static Double temperature(JsonNode n) {
        if (n == null || n.isNull() || ActionConfig.isRef(n)) return null;
        double v;
        if (n.isNumber()) v = n.asDouble();
        else if (n.isTextual() && n.asText().trim().matches("\\d+(\\.\\d+)?")) v = Double.parseDouble(n.asText().trim());
        else throw ActionConfig.bad("temperature", "must be a number from 0 to 2 (got " + n + ")");
        if (v < 0 || v > 2) throw ActionConfig.bad("temperature", "must be a number from 0 to 2 (got " + n + ")");
        return v;
    }

    @Override
    public List<JobHandler> childHandlers() {
        return List.of(new AgentCall(fetch, env, clock));
    }

    @Override
    public Object run(StepContext ctx) {
        Spec s = spec(ctx.config());
        AgentCall.apiKey(s.keyEnv(), env); // a missing key fails the step before any child is made
        if (s.from() != null && s.from().equals(ctx.stepName())) throw ActionConfig.bad("from", "'" + s.from() + "' is this step itself");
        int documents = 0;
        int accepted = 0;
        if (s.from() == null) {
            documents = 1;
            accepted = ctx.spawnUpTo(List.of(call(ctx, s, null, null))).size();
        } else {
            String cursor = null;
            do {
                Page<Job> page;
                try {
                    page = ctx.results(s.from(), cursor, PAGE);
                } catch (InvalidRequestException e) {
                    throw ActionConfig.bad("from", e.getMessage() + " (list it in this step's depends)");
                }
                List<JobRequest> calls = new ArrayList<>();
                for (Job j : page.items()) {
                    if (AgentPrompt.fits(j.result(), s.inputFields())) calls.add(call(ctx, s, j, j.result()));
                }
                if (!calls.isEmpty()) {
                    documents += calls.size();
                    accepted += ctx.spawnUpTo(calls).size();
                }
                cursor = page.nextCursor();
                ctx.checkCancelled();
            } while (cursor != null);
            if (accepted < documents) ctx.warn((documents - accepted) + " of " + documents + " documents left out: over the step's max_children");
            ctx.info(accepted + " document(s) of step '" + s.from() + "' with " + s.inputFields() + " to ask " + s.model() + " about");
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        if (s.from() != null) result.put("from", s.from());
        result.put("model", s.model());
        result.put("calls", accepted);
        return result;
    }

    private static JobRequest call(StepContext ctx, Spec s, Job source, JsonNode doc) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("base_url", s.baseUrl());
        p.put("model", s.model());
        if (s.keyEnv() != null) p.put("api_key_env", s.keyEnv());
        if (s.system() != null) p.put("system", AgentPrompt.render(s.system(), doc));
        p.put("prompt", AgentPrompt.render(s.prompt(), doc));
        if (s.maxTokens() != null) p.put("max_tokens", s.maxTokens());
        if (s.temperature() != null) p.put("temperature", s.temperature());
        p.put("timeout_ms", s.timeout().toMillis());
        p.put("max_retries", s.maxRetries());
        if (source != null) {
            p.put("source_job", source.id().toString());
            if (doc.path("url").isTextual()) p.put("url", doc.path("url").asText());
        }
        // every request and every wait the call may make, with room to spare
        Duration budget = s.timeout().multipliedBy(s.maxRetries() + 1L).plus(RetryAfter.CAP.multipliedBy(s.maxRetries()))
                .plusSeconds(30);
        return JobRequest.of(AgentCall.TYPE).payload(p).timeout(budget)
                .dedupKey("agent:" + ctx.id() + ":" + (source == null ? "prompt" : source.id()));
    }
}

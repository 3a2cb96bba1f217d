package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.util.Json;

import java.io.IOException;
import java.net.URI;

/**
 * The OpenAI-compatible chat-completion exchange that OpenAI, Ollama, vLLM and most gateways speak:
 * {@code POST {base_url}/chat/completions} with {@code {model, messages, max_tokens?, temperature?}},
 * answered by {@code {model, choices[0].message.content, choices[0].finish_reason, usage}}.
 */
final class ChatCompletion {
    private ChatCompletion() {
    }

    /** {@code base_url} + {@code /chat/completions} (one slash between them). */
    static URI endpoint(String baseUrl) {
        String b = baseUrl.trim();
        while (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        return URI.create(b + "/chat/completions");
    }

    /** The request body; {@code system}, {@code maxTokens} and {@code temperature} are left out when null. */
    static ObjectNode body(String model, String system, String prompt, Integer maxTokens, Double temperature) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        if (system != null && !system.isBlank()) messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", prompt);
        if (maxTokens != null) body.put("max_tokens", maxTokens);
        if (temperature != null) body.put("temperature", temperature);
        body.put("stream", false);
        return body;
    }

    /** Token counts as the server reported them (null when it did not). */
    record Usage(Integer promptTokens, Integer completionTokens, Integer totalTokens) {
        ObjectNode toJson() {
            ObjectNode u = Json.MAPPER.createObjectNode();
            put(u, "prompt_tokens", promptTokens);
            put(u, "completion_tokens", completionTokens);
            put(u, "total_tokens", totalTokens);
            return u;
        }

        private static void put(ObjectNode o, String f, Integer v) {
            if (v == null) o.putNull(f);
            else o.put(f, v);
        }
    }

    /** The first choice's text, the model that answered, why it stopped, and the usage. */
    record Answer(String text, String model, String finishReason, Usage usage) {
    }

    /**
     * Reads a 2xx response body.
     *
     * @throws IllegalArgumentException naming what is missing when it is not a chat completion
     */
    static Answer parse(byte[] body, String requestedModel) {
        JsonNode r;
        try {
            r = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the response is not JSON: " + excerpt(new String(body, java.nio.charset.StandardCharsets.UTF_8)));
        }
        if (r == null || !r.isObject()) throw new IllegalArgumentException("the response is not a JSON object");
        JsonNode choice = r.path("choices").path(0);
        JsonNode content = choice.path("message").path("content");
        if (!content.isTextual()) {
            throw new IllegalArgumentException("the response has no choices[0].message.content: " + excerpt(r.toString()));
        }
        String model = r.path("model").isTextual() ? r.path("model").asText() : requestedModel;
        String finish = choice.path("finish_reason").isTextual() ? choice.path("finish_reason").asText() : null;
        JsonNode u = r.path("usage");
        Usage usage = new Usage(count(u, "prompt_tokens"), count(u, "completion_tokens"), count(u, "total_tokens"));
        if (usage.totalTokens() == null && usage.promptTokens() != null && usage.completionTokens() != null) {
            usage = new Usage(usage.promptTokens(), usage.completionTokens(), usage.promptTokens() + usage.completionTokens());
        }
        return new Answer(content.asText(), model, finish, usage);
    }

    private static Integer count(JsonNode usage, String field) {
        JsonNode n = usage.path(field);
        return n.canConvertToInt() && n.isIntegralNumber() ? n.asInt() : null;
    }

    static String excerpt(String text) {
        String t = text.strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}

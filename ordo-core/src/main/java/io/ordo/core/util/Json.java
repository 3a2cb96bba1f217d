package io.ordo.core.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.ordo.core.InvalidRequestException;

/** The one configured Jackson mapper Ordo uses for payloads, results and stored JSON. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // payloads keep their numbers exactly (1.10 stays 1.10, huge exponents do not become Infinity)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {
    }

    /** Any JSON-serializable value as a tree; null becomes an empty object. */
    public static JsonNode toTree(Object value) {
        if (value == null) return MAPPER.createObjectNode();
        if (value instanceof JsonNode n) return n;
        if (value instanceof String s) return parse(s);
        try {
            return MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("payload is not serializable to JSON: " + e.getMessage());
        }
    }

    /** A result value as a tree, keeping plain strings as JSON strings. */
    public static JsonNode resultTree(Object value) {
        if (value == null) return null;
        if (value instanceof JsonNode n) return n;
        return MAPPER.valueToTree(value);
    }

    public static JsonNode parse(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || n.isMissingNode()) throw new InvalidRequestException("payload is empty; send a JSON value such as {}");
            return n;
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException("payload is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidRequestException("payload does not fit " + type.getSimpleName() + ": " + e.getMessage());
        }
    }
}

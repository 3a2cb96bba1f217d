package io.ordo.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.util.regex.Pattern;

/**
 * The JSON settings of Ordo's HTTP API, shared by the server and the CLI. Stricter than the
 * engine's mapper on input: duplicate keys and trailing garbage are errors, and nesting is capped
 * well below the writer's limit so that anything accepted can always be written back out.
 */
public final class ApiJson {
    /** Deepest nesting accepted in a request; the writer allows 1000, and a job wraps its payload. */
    public static final int MAX_NESTING = 200;

    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                    .build())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // payload numbers pass through exactly as sent
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Pattern SOURCE_NOISE = Pattern.compile("\\[Source: [^\\]]*?; (line: \\d+, column: \\d+)\\]");
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    private ApiJson() {
    }

    /** Parses a JSON document; throws Jackson's exception, whose message says where it went wrong. */
    public static JsonNode read(byte[] json) throws JsonProcessingException {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (java.io.IOException e) {
            // a byte array cannot fail to be read; Jackson only declares it
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static JsonNode read(String json) throws JsonProcessingException {
        return MAPPER.readTree(json);
    }

    /** Jackson's parse error in one line, without the "[Source: …]" noise; the location is kept. */
    public static String problem(JsonProcessingException e) {
        String s = e.getOriginalMessage();
        if (s == null) return "malformed JSON";
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return SOURCE_NOISE.matcher(line).replaceAll("$1");
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Indented, for people and the CLI's {@code --json}. */
    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}

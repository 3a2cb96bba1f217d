package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {input.FIELD}} references of an {@code agent} prompt: fields of the input document (a
 * result of the step named in {@code from}), e.g. {@code {input.markdown}} or {@code {input.meta.lang}}.
 * The dot keeps them apart from the definition's {@code {variables}}, which the engine substitutes
 * before the step runs.
 */
final class AgentPrompt {
    private static final Pattern INPUT = Pattern.compile("\\{input\\.([A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)*)}");

    private AgentPrompt() {
    }

    /** The input fields {@code text} refers to, in order. */
    static Set<String> fields(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null) return out;
        Matcher m = INPUT.matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** The value at a dotted path of a document, or null when missing or JSON null. */
    static JsonNode at(JsonNode doc, String path) {
        JsonNode n = doc;
        for (String part : path.split("\\.")) {
            if (n == null || !n.isObject()) return null;
            n = n.get(part);
        }
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    /** True when the document holds every field the texts refer to. */
    static boolean fits(JsonNode doc, Set<String> fields) {
        if (doc == null || !doc.isObject()) return false;
        for (String f : fields) if (at(doc, f) == null) return false;
        return true;
    }

    /** {@code text} with each reference replaced: text values as they are, other JSON as JSON. */
    static String render(String text, JsonNode doc) {
        if (text == null) return null;
        Matcher m = INPUT.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            JsonNode v = doc == null ? null : at(doc, m.group(1));
            String s = v == null ? "" : v.isTextual() ? v.asText() : v.toString();
            m.appendReplacement(b, Matcher.quoteReplacement(s));
        }
        m.appendTail(b);
        return b.toString();
    }
}

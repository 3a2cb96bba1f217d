package io.ordo.core.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.util.Json;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {name}} references to a definition's {@code config} variables inside step configs. Only
 * identifiers in braces are references ({@code {base}}, {@code {api_key}}), so JSON-looking text such
 * as {@code {"a": 1}} is left alone. A string that is exactly one reference takes the variable's
 * value with its JSON type (a number stays a number); inside longer text the value is spliced in.
 */
public final class Variables {
    private static final Pattern REF = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private Variables() {
    }

    /** The variable names {@code node} refers to, in order of appearance. */
    public static Set<String> referenced(JsonNode node) {
        Set<String> out = new LinkedHashSet<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, Set<String> out) {
        if (node == null) return;
        if (node.isTextual()) {
            Matcher m = REF.matcher(node.asText());
            while (m.find()) out.add(m.group(1));
        } else if (node.isContainerNode()) {
            for (JsonNode child : node) collect(child, out);
        }
    }

    /**
     * A copy of {@code node} with every reference replaced.
     *
     * @throws InvalidRequestException naming {@code where} and the variable when one is not defined
     */
    public static JsonNode substitute(JsonNode node, Map<String, JsonNode> vars, String where) {
        if (node == null) return null;
        if (node.isTextual()) return text(node.asText(), vars, where);
        if (node.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), substitute(e.getValue(), vars, where + "." + e.getKey()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            int i = 0;
            for (JsonNode child : node) out.add(substitute(child, vars, where + "[" + i++ + "]"));
            return out;
        }
        return node.deepCopy();
    }

    private static JsonNode text(String s, Map<String, JsonNode> vars, String where) {
        Matcher m = REF.matcher(s);
        if (m.matches()) return value(m.group(1), vars, where).deepCopy();
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            JsonNode v = value(m.group(1), vars, where);
            m.appendReplacement(b, Matcher.quoteReplacement(v.isTextual() ? v.asText() : v.toString()));
        }
        m.appendTail(b);
        return TextNode.valueOf(b.toString());
    }

    private static JsonNode value(String name, Map<String, JsonNode> vars, String where) {
        JsonNode v = vars.get(name);
        if (v == null) {
            throw new InvalidRequestException(where + ": undefined variable {" + name + "} (defined: "
                    + (vars.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(vars.keySet()))) + ")");
        }
        return v;
    }
}

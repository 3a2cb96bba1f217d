package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ordo.core.InvalidRequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The server's config file ({@code --config FILE} or {@code ORDO_CONFIG}): YAML ({@code .yaml},
 * {@code .yml}), TOML ({@code .toml}) or JSON ({@code .json}), flat keys. Flags and the environment
 * win over it for single values; tokens from every source are all accepted.
 *
 * <pre>{@code
 * host: 0.0.0.0
 * port: 8080
 * store_url: jdbc:postgresql://db/ordo
 * admin_tokens: ["…"]          # several tokens per role, e.g. one per client, to rotate them
 * read_tokens: ["…", "…"]
 * cors_origins: ["https://ops.example.org"]
 * webhook_secret: "…"
 * insecure_open: false
 * plugins: /opt/ordo/plugins   # a directory of plugin jars (see Plugins)
 * }</pre>
 */
public record ServerConfigFile(String host, Integer port, String storeUrl, List<String> adminTokens, List<String> readTokens,
                               List<String> corsOrigins, String webhookSecret, Boolean insecureOpen, String plugins) {
    private static final Set<String> KEYS = new TreeSet<>(Set.of("host", "port", "store_url", "admin_tokens", "read_tokens",
            "cors_origins", "webhook_secret", "insecure_open", "plugins"));

    public static final ServerConfigFile EMPTY = new ServerConfigFile(null, null, null, List.of(), List.of(), List.of(), null, null, null);

    /** Reads {@code file}; any problem is an {@link InvalidRequestException} naming the file and the key. */
    public static ServerConfigFile read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".toml") ? new TomlMapper()
                : name.endsWith(".json") ? new ObjectMapper()
                : name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLMapper()
                : null;
        if (mapper == null) throw new InvalidRequestException("config file " + file + ": name it *.yaml, *.yml, *.toml or *.json");
        JsonNode root;
        try {
            root = mapper.readTree(Files.readAllBytes(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidRequestException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidRequestException("config file " + file + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.isMissingNode() || root.isNull()) return EMPTY;
        if (!root.isObject()) throw new InvalidRequestException("config file " + file + ": expected keys and values at the top level");
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            if (!KEYS.contains(e.getKey())) {
                throw new InvalidRequestException("config file " + file + ": unknown key '" + e.getKey() + "' (known: " + String.join(", ", KEYS) + ")");
            }
        }
        return new ServerConfigFile(text(file, root, "host"), integer(file, root, "port"), text(file, root, "store_url"),
                strings(file, root, "admin_tokens"), strings(file, root, "read_tokens"), strings(file, root, "cors_origins"),
                text(file, root, "webhook_secret"), bool(file, root, "insecure_open"), text(file, root, "plugins"));
    }

    private static String text(Path file, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isTextual() || n.asText().isBlank()) throw bad(file, key, "a non-empty string");
        return n.asText().trim();
    }

    private static Integer integer(Path file, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.canConvertToInt() || !n.isIntegralNumber()) throw bad(file, key, "a whole number");
        return n.asInt();
    }

    private static Boolean bool(Path file, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return null;
        if (!n.isBoolean()) throw bad(file, key, "true or false");
        return n.asBoolean();
    }

    /** A list of strings; a single string is a list of one. */
    private static List<String> strings(Path file, JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) return List.of();
        if (n.isTextual()) return List.of(n.asText().trim());
        if (!n.isArray()) throw bad(file, key, "a list of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual() || item.asText().isBlank()) throw bad(file, key, "a list of non-empty strings");
            out.add(item.asText().trim());
        }
        return List.copyOf(out);
    }

    private static InvalidRequestException bad(Path file, String key, String expected) {
        return new InvalidRequestException("config file " + file + ": '" + key + "' must be " + expected);
    }
}

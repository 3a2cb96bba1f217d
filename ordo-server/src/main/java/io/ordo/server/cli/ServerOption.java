package io.ordo.server.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** {@code --server URL}, shared by every command that talks to a server. */
final class ServerOption {
    static final String DEFAULT = "http://localhost:8080";

    @Option(names = "--server", paramLabel = "URL",
            description = "Ordo server to talk to (default: $ORDO_SERVER, else " + DEFAULT + ")")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "API token for a server with tokens (default: $ORDO_TOKEN; prefer the variable: flags show in ps)")
    String token;

    /** The base URI: {@code --server}, else {@code ORDO_SERVER}, else {@value #DEFAULT}. */
    URI resolve(CliContext ctx) {
        String s = server != null ? server : ctx.env().getOrDefault("ORDO_SERVER", "");
        String source = server != null ? "--server" : "ORDO_SERVER";
        if (s.isBlank()) {
            s = DEFAULT;
            source = "default server";
        }
        s = s.trim();
        if (!s.contains("://")) s = "http://" + s;
        try {
            URI uri = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw CliException.usage(source + ": '" + s + "' is not an http(s) URL like http://localhost:8080");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw CliException.usage(source + ": '" + s + "' is not a URL (" + e.getReason() + ")");
        }
    }

    /** A client for the server; the token in {@code ORDO_TOKEN}, if set, goes with every request. */
    ApiClient client(CliContext ctx) {
        String t = token != null ? token : ctx.env().get("ORDO_TOKEN");
        return new ApiClient(resolve(ctx), t == null || t.isBlank() ? null : t.strip());
    }
}

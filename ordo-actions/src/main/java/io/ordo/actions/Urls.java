package io.ordo.actions;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** URL normalization for the crawl: one spelling per page, so that a page is fetched once. */
final class Urls {
    private Urls() {
    }

    /**
     * The normal form of an absolute http(s) URL, or null when it is not one: scheme and host in
     * lower case, default port dropped, empty path as {@code /}, dot segments resolved, fragment
     * removed. The query is kept as written (its order can matter to the server).
     */
    static String normalize(String url) {
        if (url == null) return null;
        URI u = parse(url.trim());
        if (u == null || u.getScheme() == null || u.getRawAuthority() == null) return null;
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return null;
        String host = u.getHost();
        if (host == null || host.isEmpty()) return null;
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
        int port = u.getPort();
        if (port == 80 && scheme.equals("http") || port == 443 && scheme.equals("https")) port = -1;
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        StringBuilder b = new StringBuilder(scheme).append("://");
        if (u.getRawUserInfo() != null) b.append(u.getRawUserInfo()).append('@');
        b.append(host);
        if (port != -1) b.append(':').append(port);
        b.append(path);
        if (u.getRawQuery() != null) b.append('?').append(u.getRawQuery());
        URI out = parse(b.toString());
        return out == null ? null : out.normalize().toString();
    }

    /** A URI from text that may contain characters URIs do not allow (spaces, non-ASCII): those are escaped. */
    private static URI parse(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            try {
                return new URI(escape(s));
            } catch (URISyntaxException e2) {
                return null;
            }
        }
    }

    /** Percent-encodes (as UTF-8) the characters that may not appear in a URI; keeps '%' and the rest as written. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) b.append('%').append(String.format("%02X", c));
            else b.append((char) c);
        }
        return b.toString();
    }

    /** The host of a normalized URL, in lower case. */
    static String host(String normalizedUrl) {
        URI u = URI.create(normalizedUrl);
        return u.getHost().toLowerCase(Locale.ROOT);
    }

    /** A dedup key of at most 255 characters: the URL itself when it fits, else its SHA-256. */
    static String key(String prefix, String normalizedUrl) {
        String k = prefix + normalizedUrl;
        if (k.length() <= 255) return k;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(normalizedUrl.getBytes(StandardCharsets.UTF_8));
            return prefix + "sha256:" + HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

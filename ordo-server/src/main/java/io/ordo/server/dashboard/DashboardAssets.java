package io.ordo.server.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The dashboard's files, read once from the classpath: our own (the flat folder {@value #DIR}) and
 * the pinned front-end libraries from their WebJars (Maven Central). Every asset is served under
 * {@code /assets/HASH/NAME}, where HASH covers the content of all of them, so browsers may cache
 * them for a year and a new build is fetched at once; {@code index.html} (never cached) is the one
 * document that names HASH. Its import map lets our ES modules import the libraries by name.
 */
public final class DashboardAssets {
    static final String DIR = "dashboard";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(js|mjs|css|svg)");

    /** A library file: its name under /assets, the WebJar's Maven coordinates and its path inside the version folder. */
    private record Vendor(String name, String group, String artifact, String prefix, String path) {
    }

    private static final List<Vendor> VENDOR = List.of(
            new Vendor("preact.mjs", "org.webjars.npm", "preact", "META-INF/resources/webjars/preact/", "dist/preact.mjs"),
            new Vendor("preact-hooks.mjs", "org.webjars.npm", "preact", "META-INF/resources/webjars/preact/", "hooks/dist/hooks.mjs"),
            new Vendor("htm.mjs", "org.mvnpm", "htm", "META-INF/resources/_static/htm/", "dist/htm.mjs"),
            new Vendor("uplot.mjs", "org.webjars.npm", "uplot", "META-INF/resources/webjars/uplot/", "dist/uPlot.esm.js"),
            new Vendor("uplot.css", "org.webjars.npm", "uplot", "META-INF/resources/webjars/uplot/", "dist/uPlot.min.css"));

    /** Bare module names our scripts import, and the asset each stands for. */
    private static final Map<String, String> IMPORTS = Map.of("preact", "preact.mjs", "preact/hooks", "preact-hooks.mjs",
            "htm", "htm.mjs", "uplot", "uplot.mjs");

    /** One file: its bytes, content type and entity tag. */
    public record Asset(String name, byte[] bytes, String contentType, String etag) {
    }

    private final Map<String, Asset> assets;
    private final String hash;
    private final byte[] index;
    private final String indexEtag;
    private final String scriptHash;

    private DashboardAssets(Map<String, Asset> assets, String indexTemplate) {
        this.assets = Map.copyOf(assets);
        MessageDigest all = sha256();
        new TreeMap<>(assets).forEach((name, a) -> {
            all.update(name.getBytes(StandardCharsets.UTF_8));
            all.update(a.bytes());
        });
        all.update(indexTemplate.getBytes(StandardCharsets.UTF_8));
        this.hash = HexFormat.of().formatHex(all.digest()).substring(0, 16);
        String base = "/assets/" + hash;
        StringJoiner entries = new StringJoiner(", ", "{\"imports\": {", "}}");
        new TreeMap<>(IMPORTS).forEach((module, file) -> entries.add("\"" + module + "\": \"" + base + "/" + file + "\""));
        String importMap = entries.toString();
        this.scriptHash = "'sha256-" + Base64.getEncoder().encodeToString(sha256().digest(importMap.getBytes(StandardCharsets.UTF_8))) + "'";
        this.index = indexTemplate.replace("{{importmap}}", importMap).replace("{{base}}", base).getBytes(StandardCharsets.UTF_8);
        this.indexEtag = "\"" + hash + "\"";
    }

    /** Reads every asset; fails (naming the file) when one is missing, so a broken build cannot start half a dashboard. */
    public static DashboardAssets load() {
        ClassLoader cl = DashboardAssets.class.getClassLoader();
        Map<String, Asset> assets = new TreeMap<>();
        String template;
        try {
            template = new String(read(cl, DIR + "/index.html"), StandardCharsets.UTF_8);
            for (String name : ownFiles(cl)) assets.put(name, asset(name, read(cl, DIR + "/" + name)));
            for (Vendor v : VENDOR) {
                String version = version(cl, v);
                assets.put(v.name(), asset(v.name(), read(cl, v.prefix() + version + "/" + v.path())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard's files: " + e.getMessage(), e);
        }
        return new DashboardAssets(assets, template);
    }

    /** The names of the files in our flat folder (index.html aside), from a directory or from the jar. */
    private static List<String> ownFiles(ClassLoader cl) throws IOException {
        URL url = cl.getResource(DIR + "/index.html");
        if (url == null) throw new IOException(DIR + "/index.html is not on the classpath");
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (!"jar".equals(uri.getScheme())) return list(Path.of(uri).getParent());
        FileSystem fs;
        boolean opened = false;
        try {
            fs = FileSystems.newFileSystem(uri, Map.of());
            opened = true;
        } catch (FileSystemAlreadyExistsException e) {
            fs = FileSystems.getFileSystem(uri);
        }
        try {
            return list(fs.getPath("/" + DIR));
        } finally {
            if (opened) fs.close();
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("index.html")).sorted().peek(n -> {
                if (!NAME.matcher(n).matches()) throw new IllegalStateException("dashboard file '" + n + "' is not a flat asset name " + NAME);
            }).toList();
        }
    }

    /** The version of a WebJar on the classpath, from its Maven metadata, so that the pom alone pins it. */
    private static String version(ClassLoader cl, Vendor v) throws IOException {
        Properties p = new Properties();
        try (InputStream in = cl.getResourceAsStream("META-INF/maven/" + v.group() + "/" + v.artifact() + "/pom.properties")) {
            if (in == null) throw new IOException("the " + v.group() + ":" + v.artifact() + " WebJar is not on the classpath");
            p.load(in);
        }
        return p.getProperty("version");
    }

    private static byte[] read(ClassLoader cl, String path) throws IOException {
        try (InputStream in = cl.getResourceAsStream(path)) {
            if (in == null) throw new IOException(path + " is not on the classpath");
            return in.readAllBytes();
        }
    }

    private static Asset asset(String name, byte[] bytes) {
        String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "svg" -> "image/svg+xml";
            default -> "application/octet-stream";
        };
        return new Asset(name, bytes, type, "\"" + HexFormat.of().formatHex(sha256().digest(bytes)).substring(0, 20) + "\"");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The content hash in every asset path. */
    public String hash() {
        return hash;
    }

    public Asset asset(String name) {
        return assets.get(name);
    }

    /** The page every dashboard route answers, with the hash and import map filled in. */
    public byte[] index() {
        return index;
    }

    public String indexEtag() {
        return indexEtag;
    }

    /** The CSP source for the inline import map, which is the page's only inline script. */
    public String importMapHash() {
        return scriptHash;
    }
}

package io.ordo.server;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plugin jars built at test time: sources compiled against the test classpath (so ordo-core is
 * there) and packed with their {@code META-INF/services} files, as a plugin author's build would.
 * ordo-server's tests thus need no other module's jar.
 */
public final class PluginJars {
    public static final String HANDLER_SERVICE = "META-INF/services/io.ordo.core.handler.JobHandler";
    public static final String ACTION_SERVICE = "META-INF/services/io.ordo.core.action.StepAction";

    /**
     * A handler of {@code type} in class {@code pkg.Upper...}: its result is the payload's {@code text}
     * in capitals and how many jobs this instance has run (one instance serves every job on a node).
     */
    public static String upperHandler(String pkg, String cls, String type) {
        return """
                package %s;
                public class %s implements io.ordo.core.handler.JobHandler {
                    private final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
                    public String type() { return "%s"; }
                    public Object run(io.ordo.core.handler.JobContext ctx) {
                        return java.util.Map.of("upper", ctx.payload().path("text").asText().toUpperCase(), "runs", runs.incrementAndGet());
                    }
                }
                """.formatted(pkg, cls, type);
    }

    /** A step action named {@code name} whose result is {@code {shout: TEXT!}}. */
    public static String shoutAction(String pkg, String cls, String name) {
        return """
                package %s;
                public class %s implements io.ordo.core.action.StepAction {
                    public String name() { return "%s"; }
                    public void validate(com.fasterxml.jackson.databind.JsonNode config) { }
                    public Object run(io.ordo.core.action.StepContext ctx) {
                        return java.util.Map.of("shout", ctx.config().path("text").asText().toUpperCase() + "!");
                    }
                }
                """.formatted(pkg, cls, name);
    }

    private PluginJars() {
    }

    /**
     * Compiles {@code sources} (fully qualified class name to source) and writes {@code dir/jarName}
     * with the classes and the given files (path to content, e.g. a services file).
     */
    public static Path build(Path dir, String jarName, Map<String, String> sources, Map<String, String> files) throws IOException {
        Path work = Files.createTempDirectory(dir.getParent() != null ? dir.getParent() : dir, "plugin-src");
        Path src = work.resolve("src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"), "--release", "21", "-proc:none"));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path file = src.resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            args.add(file.toString());
        }
        if (!sources.isEmpty()) {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
            assertThat(rc).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        }
        Files.createDirectories(dir);
        Path jar = dir.resolve(jarName);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out);
             Stream<Path> all = Files.walk(classes)) {
            for (Path c : all.filter(Files::isRegularFile).sorted().toList()) {
                jos.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                jos.write(Files.readAllBytes(c));
                jos.closeEntry();
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                jos.putNextEntry(new JarEntry(f.getKey()));
                jos.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                jos.closeEntry();
            }
        }
        return jar;
    }

    /** The usual test plugin: handler {@code test.upper} and step action {@code test-shout}. */
    public static Path upperAndShout(Path dir) throws IOException {
        return build(dir, "upper.jar",
                Map.of("test.plugin.Upper", upperHandler("test.plugin", "Upper", "test.upper"),
                        "test.plugin.Shout", shoutAction("test.plugin", "Shout", "test-shout")),
                Map.of(HANDLER_SERVICE, "# the handler\ntest.plugin.Upper\n", ACTION_SERVICE, "test.plugin.Shout\n"));
    }
}

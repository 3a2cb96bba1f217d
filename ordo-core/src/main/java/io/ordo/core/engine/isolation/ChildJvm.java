package io.ordo.core.engine.isolation;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How a child JVM is started: this JVM's {@code java} and classpath, plus the jars of the class
 * loaders between the handler's class and the application (plugin jars), so the child finds the
 * handler class by name. This JVM's class-data cache ({@code -XX:AOTCache}, which the {@code ordo}
 * launcher records) is passed on: with it a child starts about twice as fast.
 */
record ChildJvm(String java, List<String> classpath, List<String> options) {
    ChildJvm {
        classpath = List.copyOf(classpath);
        options = List.copyOf(options);
    }

    ChildJvm(String java, List<String> classpath) {
        this(java, classpath, List.of());
    }

    static ChildJvm forHandler(Class<?> handlerClass) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Set<String> cp = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) if (!e.isBlank()) cp.add(e);
        List<String> extra = new ArrayList<>();
        for (ClassLoader l = handlerClass.getClassLoader(); l != null; l = l.getParent()) {
            if (!(l instanceof URLClassLoader u)) continue;
            List<String> jars = new ArrayList<>();
            for (URL url : u.getURLs()) {
                if (!"file".equals(url.getProtocol())) continue;
                try {
                    jars.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException ignored) {
                    // not a local file: the child cannot load from it anyway
                }
            }
            extra.addAll(0, jars); // parents first, as the loaders delegate
        }
        cp.addAll(extra);
        // the JVM's own warnings (e.g. a cache it cannot use, which it then skips) go to stderr: stdout is the protocol's
        List<String> options = new ArrayList<>(List.of("-Xlog:disable", "-Xlog:all=warning:stderr"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:AOTCache=")).forEach(options::add);
        return new ChildJvm(java, List.copyOf(cp), options);
    }

    /**
     * The child's process: the classpath goes in {@code CLASSPATH} rather than {@code -cp}, which
     * keeps the command line short (a long one is cut in process listings and has a length limit).
     */
    ProcessBuilder process(String handlerClass) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        command.addAll(List.of(ChildMain.class.getName(), handlerClass));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("CLASSPATH", String.join(File.pathSeparator, classpath));
        return pb;
    }
}

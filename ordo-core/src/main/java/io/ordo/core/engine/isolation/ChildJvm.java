package io.ordo.core.engine.isolation;

import java.io.File;
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
 * handler class by name.
 */
record ChildJvm(String java, List<String> classpath) {
    ChildJvm {
        classpath = List.copyOf(classpath);
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
        return new ChildJvm(java, List.copyOf(cp));
    }

    /**
     * The child's process: the classpath goes in {@code CLASSPATH} rather than {@code -cp}, which
     * keeps the command line short (a long one is cut in process listings and has a length limit).
     */
    ProcessBuilder process(String handlerClass) {
        ProcessBuilder pb = new ProcessBuilder(java, ChildMain.class.getName(), handlerClass);
        pb.environment().put("CLASSPATH", String.join(File.pathSeparator, classpath));
        return pb;
    }
}

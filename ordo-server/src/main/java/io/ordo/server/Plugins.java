package io.ordo.server;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.OrdoConfig;
import io.ordo.core.action.StepAction;
import io.ordo.core.engine.Names;
import io.ordo.core.handler.JobHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Job code from outside the server ({@code --plugins DIR}, {@code ORDO_PLUGINS}): every {@code *.jar}
 * in the directory goes into one class loader whose parent is the application's (so plugins use
 * Ordo's API and libraries, e.g. Jackson, as they are in the server), and the {@link JobHandler}s and
 * {@link StepAction}s the jars declare in {@code META-INF/services} are created through
 * {@link ServiceLoader} and registered on the node like the built-in ones.
 *
 * <p>Every problem is found before the node starts and reported at once, naming the jar and the class:
 * a jar that cannot be opened, a provider class that cannot be loaded or created, a type or action
 * name given by two plugins or by a plugin and the server itself. Nothing is registered then.
 *
 * <p>Each provider is created once per node and serves every job of its type, so a handler may hold
 * expensive resources (a model, a connection pool) for the node's lifetime.
 */
public final class Plugins implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);
    private static final String HANDLER_SERVICE = "META-INF/services/" + JobHandler.class.getName();
    private static final String ACTION_SERVICE = "META-INF/services/" + StepAction.class.getName();

    /** No plugins directory. */
    public static final Plugins NONE = new Plugins(null, null, List.of(), List.of());

    /** A provider and the jar that declared it (its file name). */
    public record Loaded<T>(T provider, String jar) {
        String describe() {
            return provider.getClass().getName() + " (" + jar + ")";
        }
    }

    private final Path dir;
    private final URLClassLoader loader;
    private final List<Loaded<JobHandler>> handlers;
    private final List<Loaded<StepAction>> actions;

    private Plugins(Path dir, URLClassLoader loader, List<Loaded<JobHandler>> handlers, List<Loaded<StepAction>> actions) {
        this.dir = dir;
        this.loader = loader;
        this.handlers = handlers;
        this.actions = actions;
    }

    /**
     * Loads the plugins in {@code dir} ({@link #NONE} for null).
     *
     * @throws InvalidRequestException naming every jar and class that failed; nothing stays open then
     */
    public static Plugins load(Path dir) {
        if (dir == null) return NONE;
        if (!Files.isDirectory(dir)) throw new InvalidRequestException("plugins directory " + dir + " does not exist or is not a directory");
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new InvalidRequestException("plugins directory " + dir + " cannot be read: " + e.getMessage());
        }
        if (jars.isEmpty()) {
            log.info("no plugins found: {} holds no *.jar", dir);
            return new Plugins(dir, null, List.of(), List.of());
        }
        List<String> problems = new ArrayList<>();
        // which jar declares which provider class: ServiceLoader does not say, and it also sees the
        // application's own service files through the parent loader, which are no plugins
        Map<String, String> declaredBy = new LinkedHashMap<>();
        List<URL> urls = new ArrayList<>();
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            try (JarFile file = new JarFile(jar.toFile())) {
                int before = declaredBy.size();
                for (String service : List.of(HANDLER_SERVICE, ACTION_SERVICE)) {
                    for (String cls : providers(file, service)) declaredBy.putIfAbsent(cls, name);
                }
                if (declaredBy.size() == before) {
                    log.warn("plugin jar {} declares no {} or {} in META-INF/services", name, JobHandler.class.getName(), StepAction.class.getName());
                }
                urls.add(jar.toUri().toURL());
            } catch (IOException e) {
                problems.add("plugin jar " + name + " cannot be opened: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) throw new InvalidRequestException(String.join("; ", problems));
        URLClassLoader loader = new URLClassLoader("ordo-plugins", urls.toArray(URL[]::new), Plugins.class.getClassLoader());
        try {
            List<Loaded<JobHandler>> handlers = instances(JobHandler.class, loader, declaredBy, problems);
            List<Loaded<StepAction>> actions = instances(StepAction.class, loader, declaredBy, problems);
            Plugins plugins = new Plugins(dir, loader, handlers, actions);
            if (problems.isEmpty()) plugins.checkNames(problems);
            if (!problems.isEmpty()) throw new InvalidRequestException(String.join("; ", problems));
            log.info("plugins from {}: {}", dir, plugins.summary());
            return plugins;
        } catch (RuntimeException | Error e) {
            closeQuietly(loader);
            throw e;
        }
    }

    /** The provider class names a jar lists for {@code service} (comments and blank lines left out). */
    private static List<String> providers(JarFile file, String service) throws IOException {
        JarEntry entry = file.getJarEntry(service);
        if (entry == null) return List.of();
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                int hash = line.indexOf('#');
                String cls = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!cls.isEmpty()) out.add(cls);
            }
        }
        return out;
    }

    private static <T> List<Loaded<T>> instances(Class<T> service, URLClassLoader loader, Map<String, String> declaredBy, List<String> problems) {
        List<Loaded<T>> out = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(service, loader).iterator();
        // a provider that fails is reported and skipped: the iterator goes on with the next one
        // (the guard only stops a loop should an iterator fail at the same provider forever)
        for (int guard = 0; guard < 100_000; guard++) {
            try {
                if (!it.hasNext()) break;
                T provider = it.next();
                String jar = declaredBy.get(provider.getClass().getName());
                if (jar != null) out.add(new Loaded<>(provider, jar));
            } catch (ServiceConfigurationError e) {
                problems.add(failure(service, e, declaredBy));
            }
        }
        return out;
    }

    /** "plugin jar J: cannot load job handler C: why", for a provider that could not be loaded or created. */
    private static String failure(Class<?> service, ServiceConfigurationError e, Map<String, String> declaredBy) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        // the message names the class ("<service>: Provider <class> not found"); pick the longest declared name in it
        String cls = declaredBy.keySet().stream().filter(message::contains).max(Comparator.comparingInt(String::length)).orElse(null);
        String why = message.startsWith(service.getName() + ": ") ? message.substring(service.getName().length() + 2) : message;
        Throwable cause = e.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause
                && (cause instanceof InvocationTargetException || cause instanceof ExceptionInInitializerError)) {
            cause = cause.getCause();
        }
        if (cause != null) why += " (" + cause + ")";
        String kind = service == JobHandler.class ? "job handler" : "step action";
        if (cls == null) return "cannot load a " + kind + " plugin: " + why;
        return "plugin jar " + declaredBy.get(cls) + ": cannot load " + kind + " " + cls + ": " + why;
    }

    /** Type and action names that are malformed, or given twice among the plugins. */
    private void checkNames(List<String> problems) {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> actionNames = new LinkedHashMap<>();
        for (Loaded<JobHandler> h : handlers) {
            String type = call(h, () -> h.provider().type(), "type()", problems);
            if (type != null) claim(types, type, "job type", "plugin handler " + h.describe(), problems);
        }
        for (Loaded<StepAction> a : actions) {
            String name = call(a, () -> a.provider().name(), "name()", problems);
            if (name == null) continue;
            String owner = "plugin action " + a.describe();
            claim(actionNames, name, "step action", owner, problems);
            claim(types, StepAction.stepType(name), "job type", owner, problems);
            List<JobHandler> children = call(a, () -> a.provider().childHandlers(), "childHandlers()", problems);
            if (children == null) continue;
            for (JobHandler child : children) {
                String type = call(a, child::type, "childHandlers() type()", problems);
                if (type != null) claim(types, type, "job type", owner, problems);
            }
        }
    }

    private static void claim(Map<String, String> taken, String name, String what, String owner, List<String> problems) {
        try {
            Names.checkType(name);
        } catch (InvalidRequestException e) {
            problems.add(owner + ": " + e.getMessage());
            return;
        }
        String previous = taken.putIfAbsent(name, owner);
        if (previous != null) problems.add("two plugins give " + what + " '" + name + "': " + previous + " and " + owner);
    }

    private static <T> T call(Loaded<?> plugin, Supplier<T> call, String method, List<String> problems) {
        try {
            T value = call.get();
            if (value == null) problems.add("plugin " + plugin.describe() + ": " + method + " returned null");
            return value;
        } catch (RuntimeException | LinkageError e) {
            problems.add("plugin " + plugin.describe() + ": " + method + " failed: " + e);
            return null;
        }
    }

    /**
     * Registers the plugins in {@code config}, after checking that none takes a job type or action
     * name the node has already (built in, or added by the embedding code); nothing is added otherwise.
     */
    public void addTo(OrdoConfig config) {
        if (handlers.isEmpty() && actions.isEmpty()) return;
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> actionNames = new LinkedHashMap<>();
        if (config.builtinHandlers()) {
            for (String t : List.of("noop", "sleep", "fail")) {
                types.put(t, "the built-in handler");
                actionNames.put(t, "the built-in action");
                types.put(StepAction.stepType(t), "the built-in action");
            }
        }
        config.handlers().forEach(h -> types.putIfAbsent(h.type(), "the server's handler " + h.getClass().getName()));
        for (StepAction a : config.actions()) {
            String owner = "the server's action " + a.getClass().getName();
            actionNames.putIfAbsent(a.name(), owner);
            types.putIfAbsent(StepAction.stepType(a.name()), owner);
            a.childHandlers().forEach(h -> types.putIfAbsent(h.type(), owner));
        }
        List<String> problems = new ArrayList<>();
        for (Loaded<JobHandler> h : handlers) {
            clash(types, h.provider().type(), "job type", "plugin handler " + h.describe(), problems);
        }
        for (Loaded<StepAction> a : actions) {
            String owner = "plugin action " + a.describe();
            clash(actionNames, a.provider().name(), "step action", owner, problems);
            clash(types, StepAction.stepType(a.provider().name()), "job type", owner, problems);
            a.provider().childHandlers().forEach(h -> clash(types, h.type(), "job type", owner, problems));
        }
        if (!problems.isEmpty()) throw new InvalidRequestException(String.join("; ", problems));
        handlers.forEach(h -> config.handler(h.provider()));
        actions.forEach(a -> config.action(a.provider()));
    }

    private static void clash(Map<String, String> builtIn, String name, String what, String owner, List<String> problems) {
        String existing = builtIn.get(name);
        if (existing != null) problems.add(owner + " gives " + what + " '" + name + "', already given by " + existing);
    }

    public List<Loaded<JobHandler>> handlers() {
        return handlers;
    }

    /** The plugins directory, or null for none. */
    public Path dir() {
        return dir;
    }

    /** What was loaded, for the log and the ready line: "handlers a, b; actions c" or "none". */
    public String summary() {
        if (handlers.isEmpty() && actions.isEmpty()) return "none";
        List<String> parts = new ArrayList<>();
        if (!handlers.isEmpty()) parts.add("handlers " + String.join(", ", handlers.stream().map(h -> h.provider().type()).toList()));
        if (!actions.isEmpty()) parts.add("actions " + String.join(", ", actions.stream().map(a -> a.provider().name()).toList()));
        return String.join("; ", parts);
    }

    /** Closes the plugin class loader; call after the node has stopped running jobs. */
    @Override
    public void close() {
        if (loader != null) closeQuietly(loader);
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            log.warn("closing the plugin class loader failed: {}", e.toString());
        }
    }
}

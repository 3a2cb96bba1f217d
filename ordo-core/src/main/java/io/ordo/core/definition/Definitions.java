package io.ordo.core.definition;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.Jobs;
import io.ordo.core.action.StepAction;
import io.ordo.core.definition.DefinitionParser.Format;
import io.ordo.core.model.Job;
import io.ordo.core.model.Page;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The public service for job definitions, from {@link io.ordo.core.Ordo#definitions()}: check,
 * apply (create or update from YAML/TOML/JSON text), load a directory of files, list, delete and
 * run them. A run is a durable root job; follow it with {@code ordo.jobs()}.
 *
 * <p>Text goes through {@link DefinitionParser} and {@link DefinitionValidator} (with this node's
 * step actions); an invalid definition is rejected whole with a {@link DefinitionException} listing
 * every problem, and nothing of it is stored.
 */
public final class Definitions {
    private static final Logger log = LoggerFactory.getLogger(Definitions.class);

    private final JobStore store;
    private final DefinitionRunner runner;
    private final Map<String, StepAction> actions;
    private final Clock clock;
    private final DefinitionParser parser = new DefinitionParser();
    private final DefinitionValidator validator;

    public Definitions(JobStore store, DefinitionRunner runner, Map<String, StepAction> actions, Clock clock) {
        this.store = store;
        this.runner = runner;
        this.actions = actions;
        this.clock = clock;
        this.validator = new DefinitionValidator(actions);
    }

    // ---- text: validate, apply, load ----------------------------------------------------------------

    /** A definition read from text and checked: the definition (null if unreadable) and its problems. */
    public record Checked(String file, Format format, JobDefinition definition, List<Problem> problems) {
        public Checked {
            problems = List.copyOf(problems);
        }

        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /**
     * Parses and validates {@code text}, in the format of {@code fileName}'s extension ({@code .yaml},
     * {@code .yml}, {@code .toml}, {@code .json}); every problem is returned, none thrown.
     */
    public Checked check(String fileName, String text) {
        return validated(parser.parse(fileName, text));
    }

    /** As {@link #check(String, String)} in the given format ({@code fileName} only names the input). */
    public Checked check(String fileName, Format format, String text) {
        return validated(parser.parse(fileName, format, text));
    }

    private Checked validated(DefinitionParser.Result r) {
        List<Problem> problems = new ArrayList<>(r.problems());
        if (r.definition() != null) {
            problems.addAll(validator.validate(r.file(), r.definition(), r.stepIndexes(), r.reported()));
        }
        return new Checked(r.file(), r.format(), r.definition(), problems);
    }

    /** The problems of a definition text; empty when it is valid. */
    public List<Problem> validate(String fileName, String text) {
        return check(fileName, text).problems();
    }

    /** The problems of a definition built in code (e.g. for {@link #save}); empty when it is valid. */
    public List<Problem> validate(JobDefinition def) {
        return validator.validate(null, def);
    }

    /** The parsed, valid definition; @throws DefinitionException with every problem */
    public JobDefinition parse(String fileName, String text) {
        Checked c = check(fileName, text);
        if (!c.valid()) throw new DefinitionException(fileName, c.problems());
        return c.definition();
    }

    /**
     * Creates or updates the definition in {@code text} (by its id), storing the source text and its
     * format with it. Applying the same text again changes nothing (the version stays, and so does
     * the schedule's notion of "last saved").
     *
     * @throws DefinitionException with every problem when the definition is invalid (nothing is stored)
     */
    public ApplyResult apply(String fileName, String text) {
        return apply(check(fileName, text), text, null, false);
    }

    /** As {@link #apply(String, String)} with the format given instead of taken from the file name. */
    public ApplyResult apply(String fileName, Format format, String text) {
        return apply(check(fileName, format, text), text, null, false);
    }

    /**
     * Creates a definition that must not exist yet.
     *
     * @throws DefinitionExistsException when a definition with its id is stored already
     */
    public ApplyResult create(String fileName, Format format, String text) {
        return apply(check(fileName, format, text), text, null, true);
    }

    /**
     * Creates or replaces definition {@code id}; the text must define that id (a problem on
     * {@code id} otherwise).
     */
    public ApplyResult replace(String id, String fileName, Format format, String text) {
        return apply(check(fileName, format, text), text, id, false);
    }

    private ApplyResult apply(Checked c, String text, String expectedId, boolean createOnly) {
        List<Problem> problems = new ArrayList<>(c.problems());
        JobDefinition def = c.definition();
        if (expectedId != null && def != null && def.id() != null && !def.id().equals(expectedId)) {
            problems.add(new Problem(c.file(), "id", "is '" + def.id() + "' but this request is for definition '" + expectedId + "'"));
        }
        if (!problems.isEmpty()) throw new DefinitionException(c.file(), problems);
        Optional<StoredDefinition> existing = store.getDefinition(def.id());
        if (existing.isPresent() && createOnly) throw new DefinitionExistsException(def.id(), existing.get().version());
        String format = c.format().wireName();
        if (existing.isPresent() && same(existing.get(), def, format, text)) {
            return new ApplyResult(existing.get(), ApplyResult.Change.UNCHANGED);
        }
        StoredDefinition saved = save(def, format, text);
        log.info("job definition {} version {} {} from {}", saved.id(), saved.version(), existing.isPresent() ? "updated" : "created", c.file());
        return new ApplyResult(saved, existing.isPresent() ? ApplyResult.Change.UPDATED : ApplyResult.Change.CREATED);
    }

    private static boolean same(StoredDefinition stored, JobDefinition def, String format, String text) {
        if (!format.equals(stored.format()) || !text.equals(stored.source())) return false;
        try {
            return DefinitionRunner.definition(stored).equals(def);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Applies every {@code *.yaml}, {@code *.yml} and {@code *.toml} file directly in {@code dir}
     * (not in subdirectories), in file name order. An invalid or unreadable file is logged with its
     * problems and skipped (nothing of it stored); so is a file whose id an earlier file of the
     * directory defined. Definitions stored before and not in the directory are kept.
     *
     * @throws InvalidRequestException when {@code dir} is not a readable directory
     */
    public LoadReport loadDirectory(Path dir) {
        if (!Files.isDirectory(dir)) throw new InvalidRequestException("job definitions directory " + dir + " does not exist or is not a directory");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && isDefinitionFile(p.getFileName().toString()))
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new InvalidRequestException("cannot list job definitions directory " + dir + ": " + e.getMessage());
        }
        List<LoadReport.Loaded> loaded = new ArrayList<>();
        List<LoadReport.Rejected> rejected = new ArrayList<>();
        Map<String, String> fileById = new HashMap<>();
        for (Path p : files) {
            String name = p.toString();
            List<Problem> problems;
            try {
                String text = readUtf8(p);
                Checked c = check(name, text);
                problems = new ArrayList<>(c.problems());
                if (c.valid() && fileById.containsKey(c.definition().id())) {
                    problems.add(new Problem(name, "id", "'" + c.definition().id() + "' is defined by " + fileById.get(c.definition().id())
                            + " already; this file is skipped"));
                }
                if (problems.isEmpty()) {
                    ApplyResult r = apply(c, text, null, false);
                    fileById.put(c.definition().id(), name);
                    loaded.add(new LoadReport.Loaded(name, r));
                    if (r.change() == ApplyResult.Change.UNCHANGED) {
                        log.info("job definition {} version {} unchanged from {}", r.definition().id(), r.definition().version(), name);
                    }
                    continue;
                }
            } catch (IOException e) {
                problems = List.of(new Problem(name, null, "cannot read the file: " + e.getMessage()));
            }
            rejected.add(new LoadReport.Rejected(name, problems));
            log.warn("job definition file {} skipped, nothing of it stored ({} {}):", name, problems.size(), problems.size() == 1 ? "problem" : "problems");
            problems.forEach(pr -> log.warn("  {}", pr));
        }
        LoadReport report = new LoadReport(dir, loaded, rejected);
        log.info("loaded {}", report.summary());
        return report;
    }

    /** Whether {@link #loadDirectory} reads a file of this name. */
    public static boolean isDefinitionFile(String fileName) {
        Optional<Format> f = Format.ofFileName(fileName);
        return f.isPresent() && f.get() != Format.JSON && !fileName.startsWith(".");
    }

    private static String readUtf8(Path p) throws IOException {
        byte[] bytes = Files.readAllBytes(p);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text");
        }
    }

    /** Checks definitions against this node's step actions. */
    public DefinitionValidator validator() {
        return validator;
    }

    // ---- stored definitions -------------------------------------------------------------------------

    /**
     * Stores a definition built in code (creating or replacing it by id).
     *
     * @throws DefinitionException with every problem when it is not valid; nothing is stored
     */
    public StoredDefinition save(JobDefinition def, String format, String source) {
        requireValid(def);
        StoredDefinition d = new StoredDefinition(def.id(), def.name(), format, source, Json.MAPPER.valueToTree(def), def.enabled(),
                def.schedule(), 0, null, null);
        return store.saveDefinition(d, clock.instant());
    }

    public Optional<StoredDefinition> get(String id) {
        return store.getDefinition(id);
    }

    public StoredDefinition require(String id) {
        return store.getDefinition(id).orElseThrow(() -> new JobNotFoundException("job definition '" + id + "' not found"));
    }

    public List<StoredDefinition> list() {
        return store.listDefinitions();
    }

    public boolean delete(String id) {
        return store.deleteDefinition(id);
    }

    /** The runs of a definition (stored or not, any more), newest first. */
    public Page<Job> runs(String id, String cursor, int limit) {
        if (limit < 1 || limit > Jobs.MAX_PAGE) {
            throw new InvalidRequestException("limit must be 1-" + Jobs.MAX_PAGE + " (got " + limit + ")");
        }
        return store.definitionRuns(id, cursor, limit);
    }

    /** The newest run of a definition, if it ever ran. */
    public Optional<Job> lastRun(String id) {
        return store.definitionRuns(id, null, 1).items().stream().findFirst();
    }

    /**
     * When the scheduler starts the next run of {@code d}: its schedule's next tick after now;
     * empty when it is disabled, has no schedule, or the schedule cannot be read.
     */
    public Optional<Instant> nextRunAt(StoredDefinition d) {
        if (!d.enabled() || d.schedule() == null || d.schedule().isBlank()) return Optional.empty();
        try {
            return DefinitionScheduler.nextTick(d.schedule(), DefinitionScheduler.zoneOf(d), clock.instant());
        } catch (InvalidRequestException e) {
            return Optional.empty();
        }
    }

    /** Starts a run of a stored definition now; returns the run's root job. */
    public Job run(String id) {
        StoredDefinition d = require(id);
        return runner.start(DefinitionRunner.definition(d), d.version(), "manual");
    }

    /**
     * Starts a run of a definition that is not stored (version 0).
     *
     * @throws DefinitionException with every problem when it is not valid; nothing is started
     */
    public Job run(JobDefinition def) {
        requireValid(def);
        return runner.start(def, 0, "manual");
    }

    private void requireValid(JobDefinition def) {
        List<Problem> problems = validate(def);
        if (!problems.isEmpty()) throw new DefinitionException(def.id() == null ? "definition" : def.id(), problems);
    }

    /** The step actions this node knows, by name. */
    public Map<String, StepAction> actions() {
        return actions;
    }

    public DefinitionRunner runner() {
        return runner;
    }
}

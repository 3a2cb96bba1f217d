package io.ordo.core.asjob;

import io.ordo.core.OrdoConfig;
import io.ordo.core.model.Job;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Annotations are checked eagerly: every problem of an interface is reported at once, clearly worded. */
public class AsJobSpecTest {
    public record Point(int x, int y) {
    }

    public interface Good {
        @AsJob(queue = "docs", timeout = "1m30s", resultTtl = "2h", maxAttempts = 4)
        JobHandle<List<Point>> plot(List<Point> points, int scale, Map<String, Double> weights);

        @AsJob(returnJobId = true)
        String touch(String name);

        @AsJob
        UUID start(byte[] data, Point[] points);

        @AsJob
        Job submit(Optional<String> unused);

        @AsJob(type = "good-nothing")
        void nothing();

        String plain();
    }

    public interface GoodOnly {
        @AsJob(queue = "docs", timeout = "1m30s", resultTtl = "2h", maxAttempts = 4)
        JobHandle<List<Point>> plot(List<Point> points, int scale, Map<String, Double> weights);

        @AsJob(returnJobId = true)
        String touch(String name);

        @AsJob
        UUID start(byte[] data, Point[] points);

        @AsJob
        Job submit(String name);

        @AsJob(type = "good-nothing")
        void nothing();

        @AsJob
        JobHandle<Void> voidHandle(Object anything, com.fasterxml.jackson.databind.JsonNode tree);

        String plain();
    }

    @Test
    void readsTheAnnotationAndDerivesTypes() {
        AsJobSpec plot = AsJobs.spec(GoodOnly.class, "plot");
        assertThat(plot.type()).isEqualTo("AsJobSpecTest.GoodOnly.plot");
        assertThat(plot.queue()).isEqualTo("docs");
        assertThat(plot.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(plot.resultTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(plot.maxAttempts()).isEqualTo(4);
        assertThat(plot.parameterNames()).containsExactly("points", "scale", "weights");
        assertThat(plot.returns()).isEqualTo(AsJobSpec.Returns.HANDLE);
        assertThat(plot.resultType().getTypeName()).isEqualTo("java.util.List<" + Point.class.getName() + ">");
        assertThat(plot.options().timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(plot.request(Map.of()).queue()).isEqualTo("docs");
        assertThat(plot.request(Map.of()).resultTtl()).isEqualTo(Duration.ofHours(2));

        assertThat(AsJobs.spec(GoodOnly.class, "touch").returns()).isEqualTo(AsJobSpec.Returns.JOB_ID_TEXT);
        assertThat(AsJobs.spec(GoodOnly.class, "start").returns()).isEqualTo(AsJobSpec.Returns.JOB_ID);
        assertThat(AsJobs.spec(GoodOnly.class, "submit").returns()).isEqualTo(AsJobSpec.Returns.JOB);
        AsJobSpec nothing = AsJobs.spec(GoodOnly.class, "nothing");
        assertThat(nothing.returns()).isEqualTo(AsJobSpec.Returns.NOTHING);
        assertThat(nothing.type()).isEqualTo("good-nothing");
        assertThat(nothing.queue()).isEqualTo("default");
        assertThat(nothing.timeout()).isNull();
        assertThat(nothing.resultTtl()).isNull();
        assertThat(nothing.maxAttempts()).isNull();
        assertThat(AsJobs.specs(GoodOnly.class)).hasSize(6); // plain() is not a job
        assertThatThrownBy(() -> AsJobs.spec(GoodOnly.class, "plain")).hasMessageContaining("no @AsJob method named 'plain'");
    }

    @Test
    void optionalParametersAreRefused() {
        assertThatThrownBy(() -> AsJobs.specs(Good.class))
                .isInstanceOf(InvalidAsJobException.class)
                .hasMessageContaining("submit(Optional): parameter 'unused' (Optional<String>) is java.util.Optional, which cannot be carried as JSON; pass a nullable value instead");
    }

    public interface BadDurations {
        @AsJob(timeout = "soon")
        JobHandle<String> a(String s);

        @AsJob(resultTtl = "-5s")
        JobHandle<String> b(String s);

        @AsJob(timeout = "0s")
        JobHandle<String> c(String s);

        @AsJob(maxAttempts = -1, queue = "no spaces")
        JobHandle<String> d(String s);

        @AsJob(type = "bad type!")
        JobHandle<String> e(String s);
    }

    @Test
    void badDurationsNamesAndNumbersAreAllReported() {
        assertThatThrownBy(() -> AsJobs.specs(BadDurations.class))
                .isInstanceOf(InvalidAsJobException.class)
                .satisfies(e -> assertThat(((InvalidAsJobException) e).problems()).containsExactly(
                        "a(String): timeout: 'soon' is not a duration (use e.g. 500ms, 10s, 5m, 1h30m, 2d or PT10S)",
                        "b(String): resultTtl: duration must not be negative (got '-5s')",
                        "c(String): timeout must be positive (got '0s'); leave it empty for none",
                        "d(String): queue 'no spaces' is invalid (use 1-128 letters, digits, '_', '.', ':' or '-')",
                        "d(String): maxAttempts must be >= 1, or 0 for the engine's default (got -1)",
                        "e(String): job type 'bad type!' is invalid (use 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit)"))
                .hasMessageStartingWith("@AsJob on " + BadDurations.class.getName() + ": 6 problems:\n - a(String): timeout");
    }

    public interface Routed {
        @AsJob(requires = {"gpu=1", "zone=eu"})
        JobHandle<String> render(String s);

        @AsJob
        JobHandle<String> anywhere(String s);
    }

    public interface BadRequires {
        @AsJob(requires = "gpu")
        JobHandle<String> render(String s);
    }

    @Test
    void requiresGoesOnEveryRequestAndBadSyntaxIsReported() {
        assertThat(AsJobs.spec(Routed.class, "render").request(Map.of()).requires()).isEqualTo(Map.of("gpu", "1", "zone", "eu"));
        assertThat(AsJobs.spec(Routed.class, "anywhere").request(Map.of()).requires()).isEmpty();
        assertThatThrownBy(() -> AsJobs.specs(BadRequires.class)).isInstanceOf(InvalidAsJobException.class)
                .satisfies(e -> assertThat(((InvalidAsJobException) e).problems())
                        .containsExactly("render(String): requires: 'gpu' is not key=value (e.g. gpu=1)"));
    }

    public interface Overloaded {
        @AsJob
        JobHandle<String> run(String s);

        @AsJob
        JobHandle<String> run(String s, int n);

        @AsJob(type = "run-3")
        JobHandle<String> run(String s, int n, int m);
    }

    @Test
    void overloadsNeedTheirOwnTypes() {
        assertThatThrownBy(() -> AsJobs.specs(Overloaded.class))
                .isInstanceOf(InvalidAsJobException.class)
                .hasMessage("@AsJob on " + Overloaded.class.getName() + ": run(String) and run(String, int) both have job type "
                        + "'AsJobSpecTest.Overloaded.run'; give each overload its own @AsJob(type = \"...\")");
    }

    public static final class NoCreator {
        private final String value;

        public NoCreator(String a, String b) {
            this.value = a + b;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    public interface Shape {
        double area();
    }

    public class Inner {
        public String v;
    }

    public record Holder(InputStream in) {
    }

    public interface Unserializable {
        @AsJob
        JobHandle<String> stream(InputStream in);

        @AsJob
        JobHandle<String> callback(Function<String, String> f);

        @AsJob
        JobHandle<String> shape(Shape s);

        @AsJob
        JobHandle<String> noCreator(NoCreator n);

        @AsJob
        <T> JobHandle<String> generic(T value);

        @AsJob
        JobHandle<String> holder(Holder h);

        @AsJob
        JobHandle<Shape> shapeResult(String s);

        @AsJob
        JobHandle<String> inner(Inner i);
    }

    @Test
    void parameterAndResultTypesJsonCannotCarryAreRefused() {
        assertThatThrownBy(() -> AsJobs.specs(Unserializable.class))
                .isInstanceOf(InvalidAsJobException.class)
                .satisfies(e -> assertThat(((InvalidAsJobException) e).problems()).containsExactlyInAnyOrder(
                        "callback(Function): parameter 'f' (Function<String, String>) is java.util.function.Function, which cannot be carried as JSON",
                        "generic(Object): a generic method (<T>) cannot be a job: JSON does not say which types to rebuild",
                        "generic(Object): parameter 'value' (T) uses the type variable T: JSON does not say which type to rebuild; use a concrete type",
                        "holder(Holder): parameter 'h' (AsJobSpecTest.Holder) (component Holder.in) is java.io.InputStream (AutoCloseable), which cannot be carried as JSON",
                        "inner(Inner): parameter 'i' (AsJobSpecTest.Inner) is Inner, an inner (non-static) class: Jackson cannot construct it; make it static or a record",
                        "noCreator(NoCreator): parameter 'n' (AsJobSpecTest.NoCreator) is NoCreator, which Jackson cannot construct: give it a no-argument constructor or a @JsonCreator, or make it a record",
                        "shape(Shape): parameter 's' (AsJobSpecTest.Shape) is Shape, an interface without @JsonTypeInfo/@JsonDeserialize: Jackson cannot tell which class to rebuild from JSON",
                        "shapeResult(String): result type AsJobSpecTest.Shape is Shape, an interface without @JsonTypeInfo/@JsonDeserialize: Jackson cannot tell which class to rebuild from JSON",
                        "stream(InputStream): parameter 'in' (InputStream) is java.io.InputStream (AutoCloseable), which cannot be carried as JSON"));
    }

    public record Report(String text) {
    }

    public interface BadReturns {
        @AsJob
        Report direct(String s);

        @AsJob
        String text(String s);

        @AsJob(returnJobId = true)
        JobHandle<String> idAndHandle(String s);

        @AsJob
        int number(String s);
    }

    @Test
    void returnTypesAProxyCannotHonourAreRefused() {
        assertThatThrownBy(() -> AsJobs.specs(BadReturns.class))
                .isInstanceOf(InvalidAsJobException.class)
                .satisfies(e -> assertThat(((InvalidAsJobException) e).problems()).containsExactly(
                        "direct(String): returns AsJobSpecTest.Report, which a call that only enqueues cannot return; declare "
                                + "JobHandle<AsJobSpecTest.Report> (and return JobHandle.completed(value) in the implementation), or UUID for the job id, or void",
                        "idAndHandle(String): returnJobId = true needs the method to return UUID or String (it returns JobHandle<String>)",
                        "number(String): returns int, which a call that only enqueues cannot return; declare JobHandle<Integer> "
                                + "(and return JobHandle.completed(value) in the implementation), or UUID for the job id, or void",
                        "text(String): returns String, which a call that only enqueues cannot return; declare JobHandle<String> (and return "
                                + "JobHandle.completed(value) in the implementation), or set returnJobId = true to get the job id as a String, or UUID for the job id, or void"));
    }

    public interface NoJobs {
        String plain();
    }

    public static final class NotAnInterface {
        @AsJob
        public JobHandle<String> run(String s) {
            return JobHandle.completed(s);
        }
    }

    public interface StaticJob {
        @AsJob
        static JobHandle<String> helper(String s) {
            return JobHandle.completed(s);
        }

        @AsJob
        JobHandle<String> fine(String s);
    }

    @Test
    void staticMethodsCannotBeJobs() {
        assertThatThrownBy(() -> AsJobs.specs(StaticJob.class))
                .isInstanceOf(InvalidAsJobException.class)
                .hasMessage("@AsJob on " + StaticJob.class.getName() + ": helper(String): @AsJob on a static method; only instance methods of the interface can be jobs");
    }

    @Test
    void interfacesWithoutJobsAndClassesAreRefused() {
        assertThatThrownBy(() -> AsJobs.specs(NoJobs.class))
                .isInstanceOf(InvalidAsJobException.class)
                .hasMessage("@AsJob on " + NoJobs.class.getName() + ": no method of NoJobs is annotated @AsJob");
        assertThatThrownBy(() -> AsJobs.specs(NotAnInterface.class))
                .isInstanceOf(InvalidAsJobException.class)
                .hasMessageContaining(NotAnInterface.class.getName() + " is not an interface: @AsJob works on the methods of an interface");
    }

    public static final class GoodImpl implements GoodOnly {
        @Override public JobHandle<List<Point>> plot(List<Point> points, int scale, Map<String, Double> weights) { return null; }
        @Override public String touch(String name) { return null; }
        @Override public UUID start(byte[] data, Point[] points) { return null; }
        @Override public Job submit(String name) { return null; }
        @Override public void nothing() { }
        @Override public JobHandle<Void> voidHandle(Object anything, com.fasterxml.jackson.databind.JsonNode tree) { return null; }
        @Override public String plain() { return "plain"; }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void registrationChecksTheImplementationAndDuplicateTypes() {
        OrdoConfig config = OrdoConfig.defaults().storeUrl("memory:");
        assertThatThrownBy(() -> AsJobs.register(config, (Class) GoodOnly.class, "not an implementation"))
                .isInstanceOf(InvalidAsJobException.class)
                .hasMessageContaining("java.lang.String does not implement " + GoodOnly.class.getName());
        assertThatThrownBy(() -> AsJobs.register(config, GoodOnly.class, null))
                .hasMessageContaining("the implementation must not be null");

        AsJobs.register(config, GoodOnly.class, new GoodImpl());
        assertThat(config.handlers()).extracting(h -> h.type()).contains("AsJobSpecTest.GoodOnly.plot", "good-nothing");
        assertThatThrownBy(() -> AsJobs.register(config, GoodOnly.class, new GoodImpl()))
                .isInstanceOf(InvalidAsJobException.class)
                .hasMessageContaining("job type 'AsJobSpecTest.GoodOnly.plot' is already registered");
    }
}

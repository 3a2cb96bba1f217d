package io.ordo.server.api;

import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.NotFoundResponse;
import io.ordo.core.ConflictException;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.LeaseLostException;
import io.ordo.core.OrdoException;
import io.ordo.core.QueueFullException;
import io.ordo.core.UnknownJobTypeException;
import io.ordo.core.model.IllegalTransitionException;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each error class maps to its status and stable code; anything unexpected is a (logged) 500. */
class ErrorMappingTest {

    static ErrorMapping.Mapped map(Exception e) {
        return ErrorMapping.map(e, "POST", "/api/jobs");
    }

    static void assertMapped(Exception e, int status, String code) {
        ErrorMapping.Mapped m = map(e);
        assertThat(m.status()).as(e.toString()).isEqualTo(status);
        assertThat(m.code()).isEqualTo(code);
        assertThat(m.body().path("error").path("message").asText()).isEqualTo(e instanceof ApiError || e instanceof OrdoException
                ? e.getMessage() : m.body().path("error").path("message").asText());
        assertThat(m.body().path("error").path("details").isObject()).isTrue();
    }

    @Test
    void ordoExceptionsMapByTheirCode() {
        assertMapped(new InvalidRequestException("bad"), 400, "invalid_request");
        assertMapped(new UnknownJobTypeException("x", List.of("noop")), 400, "invalid_request");
        assertMapped(new JobNotFoundException("job 1 not found"), 404, "not_found");
        assertMapped(new ConflictException("job is running"), 409, "conflict");
        assertMapped(new IllegalTransitionException("j", JobStatus.COMPLETED, JobStatus.RUNNING), 409, "illegal_transition");
        assertMapped(new LeaseLostException("lease lost"), 409, "lease_lost");
        assertMapped(new QueueFullException("q", 5, 5, 1), 429, "queue_full");
    }

    @Test
    void apiErrorsKeepTheirStatusAndDetails() {
        ErrorMapping.Mapped m = map(ApiError.badField("jobs[0].delay", "negative"));
        assertThat(m.status()).isEqualTo(400);
        assertThat(m.body().path("error").path("details").path("field").asText()).isEqualTo("jobs[0].delay");
        assertMapped(ApiError.tooLarge(10), 413, "too_large");
    }

    @Test
    void javalinResponsesAreTranslated() {
        assertMapped(new NotFoundResponse(), 404, "not_found");
        assertMapped(new ContentTooLargeResponse(), 413, "too_large");
    }

    @Test
    void unexpectedFailuresAre500WithoutLeakingTheirMessage() {
        ErrorMapping.Mapped m = map(new IllegalStateException("secret internals"));
        assertThat(m.status()).isEqualTo(500);
        assertThat(m.code()).isEqualTo("internal");
        assertThat(m.body().toString()).doesNotContain("secret internals");
        // an OrdoException with a code the API does not know is a server fault too
        assertThat(map(new OrdoException("strange", "x")).status()).isEqualTo(500);
    }
}

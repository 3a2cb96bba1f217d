package io.ordo.examples;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Ordo embedded in an application: a SQLite file, two job types, a submit inside the
 * application's own transaction, a fan-out into child jobs, and reading results and logs.
 *
 * <pre>./mvnw -q -pl examples -am compile exec:java</pre>
 */
public final class QuickStart {

    /** The payload of a "send-welcome" job, bound by Jackson. */
    public record Welcome(String email, String name) {
    }

    /** Sends one welcome mail (here: logs it). */
    static final class SendWelcome implements JobHandler {
        @Override
        public String type() {
            return "send-welcome";
        }

        @Override
        public void validate(com.fasterxml.jackson.databind.JsonNode payload) {
            if (!payload.path("email").asText().contains("@")) {
                throw new InvalidRequestException("send-welcome: payload field 'email' must be an e-mail address");
            }
        }

        @Override
        public Object run(JobContext ctx) {
            Welcome w = ctx.payload(Welcome.class);
            ctx.info("sending welcome mail to " + w.email());
            return Map.of("sent_to", w.email());
        }

        @Override
        public JobTypeOptions options() { // mail servers hiccup: retry up to 5 times, 2 s base backoff
            return new JobTypeOptions(5, Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofMinutes(5));
        }
    }

    /** Fans out: one child job per address, progress reported as it goes. */
    static final class WelcomeBatch implements JobHandler {
        @Override
        public String type() {
            return "welcome-batch";
        }

        @Override
        public Object run(JobContext ctx) {
            List<String> emails = ctx.payload().findValuesAsText("email");
            List<Job> kids = ctx.spawn(emails.stream()
                    .map(e -> JobRequest.of("send-welcome").payload(new Welcome(e, e.substring(0, e.indexOf('@'))))).toList());
            ctx.progress(kids.size(), emails.size(), kids.size() + " mails queued");
            return Map.of("children", kids.size());
        }
    }

    public static void main(String[] args) throws Exception {
        String db = args.length > 0 ? args[0] : "data/quickstart.db";
        OrdoConfig config = OrdoConfig.defaults().storeUrl("jdbc:sqlite:" + db).queue("default", 4)
                .handler(new SendWelcome()).handler(new WelcomeBatch());
        try (Ordo ordo = Ordo.create(config).start()) {
            // 1. a plain submit: durable once it returns
            Job one = ordo.jobs().submit(JobRequest.of("send-welcome").payload(new Welcome("ada@example.org", "Ada")));

            // 2. transactional enqueue: the job exists exactly when the signup row commits
            Job tx;
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
                try (Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 10000");
                    s.execute("CREATE TABLE IF NOT EXISTS signups (email TEXT PRIMARY KEY)");
                }
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT OR IGNORE INTO signups VALUES ('grace@example.org')");
                }
                tx = ordo.jobs().submit(c, JobRequest.of("send-welcome").payload(new Welcome("grace@example.org", "Grace")));
                c.commit();
            }

            // 3. a parent that fans out into children
            Job batch = ordo.jobs().submit(JobRequest.of("welcome-batch").payload(Map.of("users",
                    List.of(Map.of("email", "alan@example.org"), Map.of("email", "edsger@example.org")))));

            // 4. bad input is refused before anything is stored
            try {
                ordo.jobs().submit(JobRequest.of("send-welcome").payload(Map.of("email", "not-an-address")));
            } catch (InvalidRequestException e) {
                System.out.println("refused: " + e.getMessage());
            }

            for (Job j : List.of(one, tx, batch)) {
                Job done = waitFor(ordo, j);
                System.out.printf("%s %-13s %-9s attempt %d result %s%n", done.id(), done.type(), done.status().wireName(),
                        done.attempt(), done.result());
            }
            for (Job child : ordo.jobs().children(batch.id(), null, 10).items()) {
                Job done = waitFor(ordo, child);
                System.out.printf("  child %s %s depth %d: %s%n", done.id(), done.status().wireName(), done.depth(),
                        ordo.jobs().logs(done.id(), 0, 10).get(0).message());
            }
            System.out.println("stats: " + ordo.jobs().stats().byStatus());
        }
    }

    private static Job waitFor(Ordo ordo, Job j) throws InterruptedException {
        Job now = ordo.jobs().require(j.id());
        for (int i = 0; i < 600 && !now.isTerminal(); i++) {
            Thread.sleep(50);
            now = ordo.jobs().require(j.id());
        }
        if (now.status() != JobStatus.COMPLETED) throw new IllegalStateException("job " + j.id() + " ended " + now.status());
        return now;
    }
}

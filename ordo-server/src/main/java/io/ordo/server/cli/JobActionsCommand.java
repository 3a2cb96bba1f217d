package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ordo jobs cancel|restart|delete ID…} and {@code ordo jobs bulk}. Each id is tried in turn;
 * one that cannot take the action (unknown, already completed, still running) is reported on stderr
 * and makes the exit code 1, the others are still acted on.
 */
final class JobActionsCommand {
    private JobActionsCommand() {
    }

    /** What the per-id commands share: the ids, {@code --json}, the server, and the loop over the ids. */
    abstract static class PerId implements Callable<Integer> {
        final CliContext ctx;

        @Parameters(arity = "1..*", paramLabel = "ID", description = "Job id(s)")
        List<String> ids;

        @Option(names = "--json", description = "Print the server's answer for each job as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        PerId(CliContext ctx) {
            this.ctx = ctx;
        }

        abstract JsonNode act(ApiClient api, String id);

        abstract String describe(String id, JsonNode answer);

        @Override
        public Integer call() {
            List<String> checked = ids.stream().map(JobsCommand::checkId).toList();
            int failed = 0;
            try (ApiClient api = server.client(ctx)) {
                for (String id : checked) {
                    JsonNode answer;
                    try {
                        answer = act(api, id);
                    } catch (ApiClient.ApiException e) {
                        // a refused job does not stop the others; a refused request (400) is the user's to fix
                        if (checked.size() == 1 || e.exitCode() == Main.USAGE) throw e;
                        ctx.err().println("ordo: " + id + ": " + e.getMessage());
                        failed++;
                        continue;
                    }
                    ctx.out().println(json ? ApiJson.write(answer) : describe(id, answer));
                }
            }
            return failed == 0 ? Main.OK : Main.FAILED;
        }
    }

    @Command(name = "cancel", usageHelpAutoWidth = true, description = "Cancel jobs and their descendants (running ones are asked to stop).")
    static final class Cancel extends PerId {
        Cancel(CliContext ctx) {
            super(ctx);
        }

        @Override
        JsonNode act(ApiClient api, String id) {
            return api.post("/api/jobs/" + id + "/cancel");
        }

        @Override
        String describe(String id, JsonNode a) {
            int now = a.path("cancelled").size();
            int asked = a.path("cancel_requested").size();
            String state = a.path("job").path("status").asText();
            StringBuilder b = new StringBuilder(id).append(' ').append(asked > 0 && !state.equals("cancelled") ? "cancel requested" : state);
            if (now + asked > 1) b.append(" (").append(now).append(" cancelled, ").append(asked).append(" asked to stop)");
            return b.toString();
        }
    }

    @Command(name = "restart", usageHelpAutoWidth = true, description = "Requeue failed or cancelled jobs.")
    static final class Restart extends PerId {
        Restart(CliContext ctx) {
            super(ctx);
        }

        @Override
        JsonNode act(ApiClient api, String id) {
            return api.post("/api/jobs/" + id + "/restart");
        }

        @Override
        String describe(String id, JsonNode a) {
            return id + " " + a.path("status").asText();
        }
    }

    @Command(name = "delete", usageHelpAutoWidth = true, description = "Delete finished jobs with their logs and descendants.")
    static final class Delete extends PerId {
        Delete(CliContext ctx) {
            super(ctx);
        }

        @Override
        JsonNode act(ApiClient api, String id) {
            return api.delete("/api/jobs/" + id);
        }

        @Override
        String describe(String id, JsonNode a) {
            return id + " deleted";
        }
    }

    /** {@code ordo jobs bulk ACTION (--ids ID,… | --status S --queue Q --type T --parent ID --root ID) [--max N] [--json]}. */
    @Command(name = "bulk", sortOptions = false, usageHelpAutoWidth = true,
            description = "Cancel, restart or delete many jobs: by id, or every job matching a filter (newest first, up to --max).")
    static final class Bulk implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "ACTION", description = "cancel, restart or delete")
        String action;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Option(names = "--ids", paramLabel = "ID", split = ",", required = true, description = "These jobs (repeatable or comma-separated)")
            List<String> ids;

            @ArgGroup(exclusive = false)
            Filter filter;
        }

        static final class Filter {
            @Option(names = "--status", paramLabel = "S", split = ",", description = "Jobs in these statuses")
            List<String> statuses = new ArrayList<>();

            @Option(names = "--queue", paramLabel = "Q", description = "Jobs of this queue")
            String queue;

            @Option(names = "--type", paramLabel = "T", description = "Jobs of this type")
            String type;

            @Option(names = "--parent", paramLabel = "ID", description = "Direct children of this job")
            String parent;

            @Option(names = "--root", paramLabel = "ID", description = "Jobs of this job's tree")
            String root;
        }

        @Option(names = "--max", paramLabel = "N", description = "With a filter: act on at most N jobs (default: 10000)")
        Integer max;

        @Option(names = "--json", description = "Print the server's answer as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        Bulk(CliContext ctx) {
            this.ctx = ctx;
        }

        ObjectNode body() {
            String a = action.trim().toLowerCase(java.util.Locale.ROOT);
            if (!List.of("cancel", "restart", "delete").contains(a)) throw CliException.usage("ACTION must be cancel, restart or delete (got '" + action + "')");
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("action", a);
            if (which.ids != null) {
                if (max != null) throw CliException.usage("--max goes with a filter, not with --ids");
                ArrayNode ids = body.putArray("ids");
                which.ids.stream().map(String::trim).filter(s -> !s.isEmpty()).map(JobsCommand::checkId).forEach(ids::add);
                if (ids.isEmpty()) throw CliException.usage("--ids: give at least one job id");
                return body;
            }
            Filter f = which.filter;
            ObjectNode filter = body.putObject("filter");
            List<String> statuses = f.statuses.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            if (!statuses.isEmpty()) {
                ArrayNode st = filter.putArray("status");
                statuses.forEach(st::add);
            }
            if (f.queue != null) filter.put("queue", f.queue);
            if (f.type != null) filter.put("type", f.type);
            if (f.parent != null) filter.put("parent_id", JobsCommand.checkId(f.parent));
            if (f.root != null) filter.put("root_id", JobsCommand.checkId(f.root));
            if (filter.isEmpty()) throw CliException.usage("say which jobs: --ids, or at least one of --status, --queue, --type, --parent, --root");
            if (max != null) body.put("max", max);
            return body;
        }

        @Override
        public Integer call() {
            ObjectNode body = body();
            JsonNode r;
            try (ApiClient api = server.client(ctx)) {
                r = api.post("/api/jobs/bulk", body);
            }
            if (json) {
                ctx.out().println(ApiJson.pretty(r));
            } else {
                ctx.out().println(r.path("action").asText() + ": " + r.path("matched").asInt() + " matched, "
                        + r.path("succeeded").asInt() + " done, " + r.path("failed").size() + " refused");
                for (JsonNode f : r.path("failed")) {
                    ctx.err().println("ordo: " + f.path("job_id").asText() + ": " + f.path("message").asText());
                }
            }
            return r.path("failed").isEmpty() ? Main.OK : Main.FAILED;
        }
    }
}

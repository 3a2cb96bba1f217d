package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code ordo jobs …}: inspect jobs. */
@Command(name = "jobs", usageHelpAutoWidth = true, description = "Inspect jobs.",
        subcommands = {JobsCommand.Show.class})
final class JobsCommand implements Callable<Integer> {
    private final CliContext ctx;

    JobsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        throw CliException.usage("missing subcommand: try 'ordo jobs show ID' (see 'ordo jobs --help')");
    }

    /** {@code ordo jobs show ID [--json]}. */
    @Command(name = "show", usageHelpAutoWidth = true, description = "Show a job: status, attempt, error, timestamps.")
    static final class Show implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "ID", description = "Job id")
        String id;

        @Option(names = "--json", description = "Print the job object as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        Show(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String trimmed = id.trim();
            if (!trimmed.matches("[0-9a-fA-F-]{32,36}")) throw CliException.usage("'" + id + "' is not a job id (a UUID)");
            try (ApiClient api = server.client(ctx)) {
                JsonNode job = api.get("/api/jobs/" + trimmed);
                ctx.out().print(json ? ApiJson.pretty(job) + System.lineSeparator() : JobText.show(job));
                return Main.OK;
            }
        }
    }
}

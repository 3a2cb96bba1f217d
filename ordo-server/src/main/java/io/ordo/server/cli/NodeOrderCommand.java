package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code ordo nodes drain|resume|stop ID}: sends the order to the node (through the server's API), then waits a
 * few seconds for the node to take it and says what it did. The node takes orders about once a second.
 */
abstract class NodeOrderCommand implements Callable<Integer> {
    /** How long to wait for the node to carry the order out before saying it is on its way. */
    static final Duration WAIT = Duration.ofSeconds(10);

    final CliContext ctx;

    @Parameters(index = "0", paramLabel = "NODE", description = "Node id (as 'ordo nodes' lists it)")
    String node;

    @Option(names = "--json", description = "Print the order as JSON (its state when the wait ended)")
    boolean json;

    @Mixin
    ServerOption server;

    NodeOrderCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    abstract String verb();

    /** What the node did, for people. */
    abstract String done(String node);

    @Override
    public Integer call() {
        String id = node.trim();
        if (id.isEmpty() || id.contains("/")) throw CliException.usage("'" + node + "' is not a node id");
        JsonNode order;
        try (ApiClient api = server.client(ctx)) {
            order = api.post("/api/cluster/nodes/" + JobsCommand.encodeSegment(id) + "/" + verb());
            long deadline = System.nanoTime() + WAIT.toNanos();
            String url = order.path("url").asText();
            while (!finished(order) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(200); // polling the server for the node's answer, not waiting out a result
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                try {
                    order = api.get(url);
                } catch (ApiClient.ApiException e) {
                    throw e;
                } catch (CliException e) {
                    // the server answering was the node told to stop: gone as ordered
                    if (!verb().equals("stop")) throw e;
                    ctx.out().println(json ? ApiJson.pretty(order) : done(id));
                    return Main.OK;
                }
            }
        }
        if (json) {
            ctx.out().println(ApiJson.pretty(order));
            return Main.OK;
        }
        String status = order.path("status").asText();
        if (status.equals("failed")) throw CliException.failed("node " + id + " could not " + verb() + ": " + order.path("error").asText());
        ctx.out().println(status.equals("done") ? done(id)
                : verb() + " order " + order.path("id").asText() + " sent to node " + id + "; it has not taken it yet ("
                + status + "): 'ordo nodes' shows when it does");
        return Main.OK;
    }

    private static boolean finished(JsonNode order) {
        String s = order.path("status").asText();
        return s.equals("done") || s.equals("failed");
    }

    @Command(name = "drain", usageHelpAutoWidth = true,
            description = "Make a node stop claiming new jobs (every queue); its running jobs finish. 'ordo nodes' shows it draining.")
    static final class Drain extends NodeOrderCommand {
        Drain(CliContext ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "drain";
        }

        @Override
        String done(String node) {
            return "node " + node + " is draining: it claims no new jobs; 'ordo nodes' shows its running jobs falling to 0";
        }
    }

    @Command(name = "resume", usageHelpAutoWidth = true, description = "Make a drained node claim jobs again.")
    static final class Resume extends NodeOrderCommand {
        Resume(CliContext ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "resume";
        }

        @Override
        String done(String node) {
            return "node " + node + " claims jobs again";
        }
    }

    @Command(name = "stop", usageHelpAutoWidth = true,
            description = "Stop a node gracefully, as SIGTERM does: running jobs get the shutdown grace, then are handed back.")
    static final class Stop extends NodeOrderCommand {
        Stop(CliContext ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "stop";
        }

        @Override
        String done(String node) {
            return "node " + node + " is stopping";
        }
    }
}

package io.ordo.server.cli;

import java.io.PrintWriter;
import java.util.Map;

/** Where a command writes and what environment it sees; passed in so tests can run the CLI in-process. */
record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env) {
}

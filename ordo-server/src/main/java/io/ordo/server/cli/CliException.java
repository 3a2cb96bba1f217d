package io.ordo.server.cli;

/** A failure the CLI reports as one line ({@code ordo: message}) and an exit code, never a stack trace. */
class CliException extends RuntimeException {
    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static CliException usage(String message) {
        return new CliException(Main.USAGE, message);
    }

    static CliException failed(String message) {
        return new CliException(Main.FAILED, message);
    }

    int exitCode() {
        return exitCode;
    }
}

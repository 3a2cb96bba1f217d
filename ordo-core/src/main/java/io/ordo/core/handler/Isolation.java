package io.ordo.core.handler;

/** Where a handler's jobs run: in the node's JVM, or each in a fresh child JVM (see README, "Process isolation"). */
public enum Isolation {
    /** On a virtual thread of the node (the default): one handler instance serves every job. */
    IN_PROCESS,
    /**
     * Each job in a fresh child JVM started by the node, with the node's classpath: a crash, a leak
     * or {@code System.exit} ends that job's attempt only. The handler class needs a public no-arg
     * constructor (the child creates its own instance).
     */
    PROCESS
}

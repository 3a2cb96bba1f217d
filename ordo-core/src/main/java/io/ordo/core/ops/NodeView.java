package io.ordo.core.ops;

/**
 * A node as the cluster view shows it: its last report, whether it is alive (seen recently, not
 * stopped) or draining, and whether it holds the cluster's leader lease now.
 */
public record NodeView(NodeInfo node, String state, boolean leader) {
    public static final String ALIVE = "alive";
    public static final String DRAINING = "draining";
    public static final String STOPPED = "stopped";
    public static final String LOST = "lost";
}

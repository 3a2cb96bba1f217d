package io.ordo.core.event;

/** The event types of the public contract (DESIGN.md §5). */
public final class EventTypes {
    public static final String JOB_PROGRESS = "job_progress";
    public static final String TASK_PROGRESS = "task_progress";
    public static final String JOB_LOG = "job_log";
    public static final String JOB_STATUS_CHANGE = "job_status_change";
    public static final String RESULT_SAVED = "result_saved";
    public static final String JOB_SPAWN = "job_spawn";
    public static final String QUEUE_STATS = "queue_stats";

    private EventTypes() {
    }
}

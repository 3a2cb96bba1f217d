package io.ordo.core;

/** Submitting beyond a queue's capacity; nothing of the submit was written. */
public class QueueFullException extends OrdoException {
    public QueueFullException(String queue, long backlog, int capacity, int submitting) {
        this("queue '" + queue + "' is full: " + backlog + " jobs waiting, capacity " + capacity
                + ", this submit adds " + submitting);
    }

    /** Submitting beyond a job type's stored capacity (counted over every queue). */
    public static QueueFullException ofType(String type, long backlog, int capacity, int submitting) {
        return new QueueFullException("job type '" + type + "' is full: " + backlog + " jobs waiting, capacity " + capacity
                + ", this submit adds " + submitting);
    }

    public QueueFullException(String message) {
        super("queue_full", message);
    }
}

package io.ordo.core.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.UUID;

/**
 * A child as its parent's continuation sees it ({@code JobContext.childResults()}): its id, type and
 * status, its main result (the value it returned, else the last one it saved; null if none or
 * expired) and, for a failed or cancelled child, its error.
 */
public record ChildResult(UUID childId, String type, JobStatus status, JsonNode result, String error) {
    public static ChildResult of(Job child) {
        return new ChildResult(child.id(), child.type(), child.status(), child.result(), child.error());
    }

    public boolean completed() {
        return status == JobStatus.COMPLETED;
    }
}

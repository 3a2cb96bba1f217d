package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.batch.Batch;
import io.ordo.core.model.Page;

import java.util.UUID;

/** The JSON of batches: {@code GET /api/batches/{id}}, the list, and the answer to a batch submit. */
public final class BatchJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private BatchJson() {
    }

    public static String url(UUID id) {
        return "/api/batches/" + id;
    }

    /** Where the batch's own jobs are listed (the callbacks are listed with them, newest first). */
    public static String jobsUrl(UUID id) {
        return "/api/jobs?parent_id=" + id;
    }

    public static ObjectNode batch(Batch b) {
        ObjectNode o = NODES.objectNode();
        o.put("batch_id", b.id().toString());
        if (b.name() != null) o.put("name", b.name());
        else o.putNull("name");
        o.put("status", b.status());
        o.put("total", b.total());
        o.put("done", b.done());
        o.put("progress", Math.round(b.progress() * 10_000) / 10_000.0);
        o.set("counts", DefinitionJson.counts(b.counts()));
        ObjectNode cb = o.putObject("callbacks");
        b.callbacks().forEach((kind, id) -> cb.put(kind, id.toString()));
        if (b.meta() != null) o.set("meta", b.meta());
        o.put("created_at", b.createdAt().toString());
        if (b.finishedAt() != null) o.put("finished_at", b.finishedAt().toString());
        else o.putNull("finished_at");
        o.put("batch_url", url(b.id()));
        o.put("jobs_url", jobsUrl(b.id()));
        return o;
    }

    public static ObjectNode page(Page<Batch> p) {
        ObjectNode o = NODES.objectNode();
        var arr = o.putArray("batches");
        p.items().forEach(b -> arr.add(batch(b)));
        if (p.nextCursor() != null) o.put("next_cursor", p.nextCursor());
        else o.putNull("next_cursor");
        return o;
    }

    /** 202 to a batch submit: the batch as stored, with where to follow it. */
    public static ObjectNode accepted(Batch b) {
        return batch(b);
    }
}

package io.ordo.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A workflow as the user wrote it (DESIGN.md §5), after parsing and validation: steps with
 * dependencies, error strategies and limits. Variables ({@code config}) are substituted into the
 * step configs as {@code {name}} when a run starts.
 *
 * @param schedule     a 5-field cron expression (minute hour day month weekday), or null
 * @param allowOverlap whether a scheduled or manual run may start while another run is live
 * @param webhookUrl   where each run's summary is POSTed when the run ends (or null)
 * @param timezone     the IANA zone the schedule is read in (e.g. Europe/Berlin); null for UTC
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDefinition(
        String id,
        String name,
        String description,
        String schedule,
        Duration timeout,
        boolean enabled,
        List<String> tags,
        Map<String, JsonNode> config,
        List<StepDefinition> steps,
        @JsonProperty("allow_overlap") boolean allowOverlap,
        @JsonProperty("webhook_url") String webhookUrl,
        String timezone) {

    /** A definition whose schedule (if any) is read in UTC. */
    public JobDefinition(String id, String name, String description, String schedule, Duration timeout, boolean enabled,
                         List<String> tags, Map<String, JsonNode> config, List<StepDefinition> steps, boolean allowOverlap,
                         String webhookUrl) {
        this(id, name, description, schedule, timeout, enabled, tags, config, steps, allowOverlap, webhookUrl, null);
    }

    public JobDefinition {
        tags = tags == null ? List.of() : List.copyOf(tags);
        config = config == null ? Map.of() : Map.copyOf(config);
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    public StepDefinition step(String name) {
        for (StepDefinition s : steps) if (s.name().equals(name)) return s;
        throw new IllegalArgumentException("definition " + id + " has no step '" + name + "'");
    }
}

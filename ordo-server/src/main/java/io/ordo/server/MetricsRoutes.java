package io.ordo.server;

import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ordo.server.api.RouteGroup;

/**
 * {@code GET /metrics}: the node's meters in the Prometheus text format. The engine records its
 * meters ({@code io.ordo.core.engine.EngineMetrics}: {@code ordo_jobs{queue,state}},
 * {@code ordo_jobs_submitted_total}, {@code ordo_jobs_completed_total}, {@code ordo_jobs_failed_total},
 * {@code ordo_job_run_seconds}, {@code ordo_job_start_latency_seconds}, {@code ordo_worker_utilization})
 * into {@link #registry()}; a few JVM meters come along.
 */
public final class MetricsRoutes implements RouteGroup {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public MetricsRoutes() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }
}

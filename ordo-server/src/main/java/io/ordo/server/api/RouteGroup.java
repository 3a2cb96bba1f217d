package io.ordo.server.api;

import io.javalin.config.RoutesConfig;

/** One group of related routes (jobs, health, …); the server registers each group up front. */
public interface RouteGroup {
    void register(RoutesConfig routes);
}

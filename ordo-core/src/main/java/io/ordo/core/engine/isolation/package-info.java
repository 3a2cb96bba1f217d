/**
 * Process isolation: jobs of a type marked {@code isolation: process} run each in a fresh child JVM.
 * The node keeps the attempt (lease, heartbeat, timeout, cancel) exactly as for an in-process job;
 * {@link io.ordo.core.engine.isolation.IsolatedHandler} stands in for the real handler, starts the
 * child ({@link io.ordo.core.engine.isolation.ChildMain}) and applies what the child's handler does
 * to the real job context. The two talk JSON lines over the child's stdin and stdout
 * ({@link io.ordo.core.engine.isolation.Wire}). Depends only on the handler API, the model and Json.
 */
package io.ordo.core.engine.isolation;

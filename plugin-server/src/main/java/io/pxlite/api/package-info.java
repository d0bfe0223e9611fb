/**
 * The management REST API of a pxlite node: the {@link io.pxlite.api.ManagementService} port the
 * node implements, the JSON records it speaks, and {@link io.pxlite.api.ManagementApiServer}, which
 * serves it over HTTP/1.1 on a root-only unix socket and, if configured, one TCP address. The route
 * table is on {@code ManagementRoutes}; the HTTP machinery (pipeline, worker pool, routing, JSON
 * reading) is {@link io.pxlite.http}, shared with the Docker plugin.
 *
 * <p>Invariants:
 * <ul>
 *   <li>JSON field names are snake_case. A request body with an unknown field, a mistyped value or
 *       broken syntax is answered 400 with a message naming the field or the position.
 *   <li>Every failure is answered with a JSON body {@code {"error": "..."}} (the one exception is
 *       Netty's own 413 to an {@code Expect: 100-continue} request, which has no body).
 *       {@link io.pxlite.api.ApiException} carries its status; anything else thrown is a logged 500,
 *       and the server goes on serving.
 *   <li>Service calls never run on Netty I/O threads; responses on one connection keep request order.
 *   <li>A {@code ref} in a path is a name or an id, percent-decoded ({@code +} stays {@code +}).
 * </ul>
 */
package io.pxlite.api;

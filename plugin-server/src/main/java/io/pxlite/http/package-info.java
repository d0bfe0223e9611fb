/**
 * The HTTP/1.1 machinery shared by pxlite's JSON APIs (the management API in {@code io.pxlite.api},
 * Docker's volume plugin in {@code io.pxlite.docker}): {@link io.pxlite.http.JsonHttpServer} binds a
 * {@link io.pxlite.http.Router} to a unix socket (and optionally TCP) through
 * {@code io.pxlite.listen}; each API supplies its routes, its {@link io.pxlite.http.ResponseFormat}
 * (error field, content type, wording) and its {@link io.pxlite.http.HttpServerSettings}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>Routes run on a bounded worker pool, never on Netty I/O threads, because they block; a full
 *       pool is answered 503 at once. One connection occupies at most one worker.
 *   <li>Responses on one connection keep request order (HTTP/1.1 pipelining), each with a
 *       Content-Length, so connections stay reusable.
 *   <li>Every request gets exactly one response in the API's format: an
 *       {@link io.pxlite.http.HttpException} keeps its status; anything else is a logged 500. A body
 *       over the cap is 413; bytes that are not HTTP are 400, after which that connection is closed.
 *       Nothing a client sends affects another connection.
 *   <li>Request data is copied out of Netty's buffers on the I/O thread, so no reference-counted
 *       buffer ever reaches a worker.
 * </ul>
 */
package io.pxlite.http;

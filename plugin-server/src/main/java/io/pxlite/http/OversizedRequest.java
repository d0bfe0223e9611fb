package io.pxlite.http;

import io.netty.handler.codec.http.HttpMethod;

/**
 * A request whose body exceeded the cap, passed down the pipeline in place of the request so that its
 * 413 is answered in order with the connection's other responses.
 *
 * @param closeAfterResponse true when the connection cannot be reused: part of the body was already
 *     read, or the client did not ask for keep-alive
 */
record OversizedRequest(HttpMethod method, String uri, boolean closeAfterResponse) {}

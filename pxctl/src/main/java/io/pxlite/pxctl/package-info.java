/**
 * {@code pxctl}, the pxlite command line: parses PX-style commands, calls a node's management API
 * and prints the answer for people, or as the server's JSON with {@code -j}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>pxctl knows the API only as HTTP and JSON (field names, routes); it shares no Java types
 *       with the server, so either can change its implementation freely.
 *   <li>Exit codes: 0 success; 1 server or connection error, reported as exactly one line
 *       {@code pxctl: <message>} on stderr; 2 usage error, reported by picocli.
 *   <li>Requests carry the user's values as typed; the server validates them and its error text is
 *       what the user sees.
 * </ul>
 */
package io.pxlite.pxctl;

package io.pxlite.pxctl;

import java.io.IOException;

/**
 * Carries one HTTP/1.1 exchange to the management API. Two implementations, because Java 17's
 * HttpClient cannot speak over a unix socket: {@link UnixSocketTransport} and {@link TcpTransport}.
 */
interface ApiTransport {
  /**
   * Sends {@code method path} with an optional JSON body and returns the response, whatever its status.
   *
   * @param body the JSON request body, or null for none
   * @throws EndpointUnreachableException if no connection could be made
   * @throws java.net.http.HttpTimeoutException if the server did not answer in time
   * @throws IOException if the connection failed mid-exchange or the answer is not HTTP
   */
  HttpReply exchange(String method, String path, byte[] body) throws IOException;
}

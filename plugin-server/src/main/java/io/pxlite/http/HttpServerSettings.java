package io.pxlite.http;

/**
 * The resources one {@link JsonHttpServer} may use: everything is bounded so that no client can make
 * the node spend unbounded threads, queue slots or memory.
 *
 * @param name names the server's threads ({@code name-io-N}, {@code name-worker-N}) and its log lines
 * @param ioThreads Netty event loops; they only parse and write, so one or two suffice
 * @param workerThreads how many blocking service calls may run at once
 * @param workerQueue how many more may wait; beyond that requests are answered 503
 * @param maxBodyBytes the largest request body accepted; larger ones are answered 413
 */
public record HttpServerSettings(String name, int ioThreads, int workerThreads, int workerQueue, int maxBodyBytes) {
  public HttpServerSettings {
    if (ioThreads < 1 || workerThreads < 1 || workerQueue < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("every limit of " + name + " must be positive");
    }
  }
}

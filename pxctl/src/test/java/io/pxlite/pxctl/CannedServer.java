package io.pxlite.pxctl;

/** A running HTTP server answering from a {@link CannedApi}; {@link #endpoint()} is what pxctl's --endpoint takes. */
interface CannedServer extends AutoCloseable {
  String endpoint();

  @Override
  void close();
}

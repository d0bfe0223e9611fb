package io.pxlite.node.volume;

import io.pxlite.api.ApiException;
import io.pxlite.journal.JournalException;
import io.pxlite.node.kvdb.KvdbUnavailableException;
import java.util.function.Supplier;

/** Runs a management call, turning kvdb and journal failures into clear 503s. */
final class ManagementCall {
  private ManagementCall() {}

  static <T> T run(Supplier<T> body) {
    try {
      return body.get();
    } catch (KvdbUnavailableException e) {
      throw ApiException.unavailable(e.getMessage(), e);
    } catch (JournalException e) {
      throw ApiException.unavailable(e.getMessage(), e);
    }
  }
}

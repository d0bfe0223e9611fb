package io.pxlite.nbd;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One export the NBD server serves: a volume (read-write) or a snapshot (read-only). Implemented by
 * the node; the NBD server knows nothing of how the bytes are stored or replicated.
 *
 * <p>Errors are reported as {@link NbdException} (thrown, or completing a future exceptionally) with
 * the NBD error to send; any other exception is sent as {@link NbdError#EIO}.
 */
public interface NbdExport {
  String name();

  /** The volume's or snapshot's id, as pxctl shows it; what its metrics are kept under. */
  String id();

  long sizeBytes();

  boolean readOnly();

  /**
   * Fills {@code dst} from its position to its limit with the bytes at {@code offset}, leaving the
   * position at the limit. May block; never called on an I/O thread.
   * {@code dst} is lent for the duration of the call only.
   */
  void read(long offset, ByteBuffer dst);

  /**
   * Writes {@code data} at {@code offset}. The future completes only when the write is durable
   * (committed to the volume's log), so FLUSH and FUA have nothing more to wait for. {@code data} is
   * lent until that future completes; copy it to keep it longer.
   */
  CompletableFuture<Void> write(long offset, ByteBuffer data);

  /** Makes the range read as zeros; releases its space (TRIM, WRITE_ZEROES). Durable on completion. */
  CompletableFuture<Void> zero(long offset, long length);

  /** Completes when every write completed before the call is durable. */
  CompletableFuture<Void> flush();

  /** What decides when this export's requests may start (limits, shares); {@link IoGate#OPEN} by default. */
  default IoGate gate() {
    return IoGate.OPEN;
  }

  /** The data and hole runs covering {@code [offset, offset+length)}, in order. May block. */
  List<AllocationRun> allocation(long offset, long length);
}

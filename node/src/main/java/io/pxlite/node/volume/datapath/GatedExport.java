package io.pxlite.node.volume.datapath;

import io.pxlite.nbd.AllocationRun;
import io.pxlite.nbd.IoGate;
import io.pxlite.nbd.NbdExport;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A volume's export with the gate of its I/O policy on this node; everything else is the export's own. */
record GatedExport(NbdExport export, IoGate gate) implements NbdExport {
  @Override
  public String name() {
    return export.name();
  }

  @Override
  public String id() {
    return export.id();
  }

  @Override
  public long sizeBytes() {
    return export.sizeBytes();
  }

  @Override
  public boolean readOnly() {
    return export.readOnly();
  }

  @Override
  public void read(long offset, ByteBuffer dst) {
    export.read(offset, dst);
  }

  @Override
  public CompletableFuture<Void> write(long offset, ByteBuffer data) {
    return export.write(offset, data);
  }

  @Override
  public CompletableFuture<Void> zero(long offset, long length) {
    return export.zero(offset, length);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return export.flush();
  }

  @Override
  public List<AllocationRun> allocation(long offset, long length) {
    return export.allocation(offset, length);
  }
}

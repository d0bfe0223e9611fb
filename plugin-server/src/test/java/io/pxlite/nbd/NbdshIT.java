package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * libnbd's Python shell driving individual commands: structured reads, block status, trim, zero,
 * flush, FUA, and the errors for read-only exports and ranges past the end. Each script fails with
 * a Python assertion, whose traceback lands in the test's failure message.
 */
@ExtendWith(NettyLeakCheck.class)
class NbdshIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private ServedExports served;

  @BeforeEach
  void start() {
    ExternalCommand.require("nbdsh");
    served = new ServedExports(dir);
  }

  @AfterEach
  void stop() {
    if (served != null) {
      served.close();
    }
  }

  @Test
  void structuredReadsComeAsOneDataChunk() throws Exception {
    Path expected = Files.write(dir.resolve("expected"), served.snapshotData);
    nbdsh("snap", """
        assert h.get_structured_replies_negotiated()
        expected = open('%s', 'rb').read()
        assert h.pread(65536, 4096) == expected[4096:69632]
        chunks = []
        def chunk(buf, offset, status, err):
            chunks.append((offset, status, len(buf)))
            return 0
        h.pread_structured(65536, 4096, chunk, nbd.CMD_FLAG_DF)
        assert chunks == [(4096, nbd.READ_DATA, 65536)], chunks
        # Holes read as zeroes.
        assert h.pread(4096, 8 << 20) == bytes(4096)
        """.formatted(expected));
  }

  @Test
  void blockStatusReportsAllocation() {
    nbdsh("vol", """
        assert h.can_meta_context('base:allocation')
        h.pwrite(b'\\xab' * 8192, 1 << 20)
        extents = []
        def extent(context, offset, entries, err):
            assert context == 'base:allocation', context
            extents.extend(entries)
            return 0
        h.block_status(4 << 20, 0, extent)
        hole = nbd.STATE_HOLE | nbd.STATE_ZERO
        assert extents == [1 << 20, hole, 8192, 0, (3 << 20) - 8192, hole], extents
        one = []
        def first(context, offset, entries, err):
            one.extend(entries)
            return 0
        h.block_status(4 << 20, 0, first, nbd.CMD_FLAG_REQ_ONE)
        assert one == [1 << 20, hole], one
        """);
  }

  @Test
  void writeWithFuaTrimZeroFlushAndCache() {
    nbdsh("vol", """
        import os
        data = os.urandom(65536)
        h.pwrite(data, 0, nbd.CMD_FLAG_FUA)
        assert h.pread(65536, 0) == data
        h.flush()
        h.trim(16384, 0)
        h.zero(16384, 16384, nbd.CMD_FLAG_NO_HOLE)
        h.zero(16384, 32768, nbd.CMD_FLAG_FAST_ZERO)
        h.cache(65536, 0)
        assert h.pread(49152, 0) == bytes(49152)
        assert h.pread(16384, 49152) == data[49152:]
        """);
    InMemoryExport volume = served.volume();
    assertThat(volume.flushes.get()).isEqualTo(1);
    assertThat(volume.zeroes.get()).isEqualTo(3);
    assertThat(volume.get(0, 49152)).containsOnly(0);
    assertThat(volume.allocatedBlocks()).as("only the last 16 KiB stay allocated").isEqualTo(4);
  }

  @Test
  void readOnlyExportRefusesWritesWithEperm() {
    nbdsh("snap", """
        import errno
        assert h.is_read_only()
        h.set_strict_mode(0)  # send what the flags forbid, so the server has to answer
        for name, op in [('write', lambda: h.pwrite(b'x' * 512, 0)),
                         ('trim', lambda: h.trim(512, 0)),
                         ('zero', lambda: h.zero(512, 0))]:
            try:
                op()
                raise AssertionError(name + ' succeeded on a read-only export')
            except nbd.Error as e:
                assert e.errnum == errno.EPERM, (name, e)
        assert len(h.pread(512, 0)) == 512
        """);
    assertThat(served.snapshot().get(0, ServedExports.SNAPSHOT_DATA)).isEqualTo(served.snapshotData);
  }

  @Test
  void rangesPastTheEndAreRefused() {
    nbdsh("vol", """
        import errno
        h.set_strict_mode(0)  # libnbd would refuse these itself
        size = h.get_size()
        for name, op, want in [('read', lambda: h.pread(1024, size - 512), errno.EINVAL),
                               ('write', lambda: h.pwrite(bytes(1024), size - 512), errno.ENOSPC),
                               ('zero', lambda: h.zero(1024, size - 512), errno.ENOSPC),
                               ('trim', lambda: h.trim(1024, size - 512), errno.EINVAL),
                               ('block status', lambda: h.block_status(1024, size - 512, lambda *a: 0), errno.EINVAL)]:
            try:
                op()
                raise AssertionError(name + ' past the end succeeded')
            except nbd.Error as e:
                assert e.errnum == want, (name, e)
        assert h.pread(512, size - 512) == bytes(512)
        """);
  }

  @Test
  void manyRequestsInFlightOnOneConnection() {
    nbdsh("vol", """
        import os
        blocks = {i: os.urandom(4096) for i in range(256)}
        cookies = [h.aio_pwrite(nbd.Buffer.from_bytearray(bytearray(b)), i * 4096) for i, b in blocks.items()]
        while h.aio_in_flight() > 0:
            h.poll(-1)
        for c in cookies:
            assert h.aio_command_completed(c)
        for i, b in blocks.items():
            assert h.pread(4096, i * 4096) == b, i
        """);
    assertThat(served.volume().writes.get()).isEqualTo(256);
  }

  private void nbdsh(String export, String script) {
    Path file = dir.resolve("script.py");
    try {
      Files.writeString(file, script);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // nbdsh runs "python3" from the PATH; libnbd's module lives with the system interpreter.
    Map<String, String> env = Map.of("PATH", "/usr/bin:/bin:" + System.getenv().getOrDefault("PATH", ""));
    ExternalCommand.Result result = ExternalCommand.run(TIMEOUT, List.of("nbdsh", "--base-allocation",
        "-u", served.uri(export), "-c", "exec(open('" + file + "').read())"), env);
    assertThat(result.exitCode()).as(result.describe()).isZero();
  }
}

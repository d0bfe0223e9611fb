package io.pxlite.store;

import io.pxlite.store.device.DeviceConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Single-threaded 4 KiB random write and read throughput on a 1 GiB sparse device file, through the
 * public API (the NBD path's shape). Not a test; run with
 * {@code java -cp <test classpath> io.pxlite.store.BlockStoreBenchmark [dir] [ops]}.
 */
public final class BlockStoreBenchmark {
  private static final int BLOCK = BlockStore.BLOCK_SIZE;
  private static final long DEVICE_BYTES = 1L << 30;
  private static final long VOLUME_BYTES = 768L << 20; // fits the device with room for overwrites

  private BlockStoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("pxlite-bench");
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    Files.createDirectories(dir);
    StoreConfig config = new StoreConfig(dir.resolve("index"),
        List.of(new DeviceConfig(dir.resolve("device.img"), DEVICE_BYTES)), "bench", "node", false);
    long blocks = VOLUME_BYTES / BLOCK;
    SplittableRandom random = new SplittableRandom(42);
    ByteBuffer data = ByteBuffer.allocateDirect(BLOCK);
    byte[] noise = new byte[BLOCK];
    ByteBuffer dst = ByteBuffer.allocateDirect(BLOCK);
    long index = 0;
    try (BlockStore store = BlockStore.open(config)) {
      store.createVolume(new ApplyPosition("bench", ++index, 1), 1, VOLUME_BYTES);
      for (int round = 0; round < 2; round++) {
        // Round 0 warms the JIT and fills the volume thinly; round 1 is what is reported.
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
          for (int j = 0; j < 16; j++) {
            noise[random.nextInt(BLOCK)] = (byte) random.nextInt(1, 256);
          }
          data.clear();
          data.put(noise).flip();
          store.write(new ApplyPosition("bench", ++index, 1), 1, random.nextLong(blocks) * BLOCK, data);
          if (i % 50_000 == 49_999) {
            store.checkpoint(); // as the state machine would, periodically
          }
        }
        long writeNanos = System.nanoTime() - start;

        BlockView view = store.view(1);
        start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
          dst.clear();
          view.read(random.nextLong(blocks) * BLOCK, dst);
        }
        long readNanos = System.nanoTime() - start;

        start = System.nanoTime();
        store.checkpoint();
        long checkpointNanos = System.nanoTime() - start;
        System.out.printf("round %d: %,d random 4 KiB writes: %,.0f ops/s (%.1f us/op); reads: %,.0f ops/s (%.1f us/op);"
                + " checkpoint %d ms; live %d MiB%n",
            round, ops, ops / (writeNanos / 1e9), writeNanos / 1e3 / ops, ops / (readNanos / 1e9), readNanos / 1e3 / ops,
            checkpointNanos / 1_000_000, store.usage(1).liveBytes() >> 20);
      }
    } finally {
      if (args.length == 0) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}

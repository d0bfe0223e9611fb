package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test whose code leaked a Netty buffer. Turns leak detection to PARANOID (every buffer
 * tracked) and listens on the ByteBuf leak detector; after each test it collects garbage and
 * allocates, which is when Netty reports buffers that were collected without being released.
 */
final class NettyLeakCheck implements BeforeAllCallback, AfterEachCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    // The detector is created when ByteBuf classes load, possibly before this test class: attach to
    // the live one rather than replacing the factory.
    Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
    field.setAccessible(true);
    @SuppressWarnings("unchecked")
    ResourceLeakDetector<ByteBuf> detector = (ResourceLeakDetector<ByteBuf>) field.get(null);
    detector.setLeakListener((type, records) -> LEAKS.add(type + "\n" + records));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (int round = 0; round < 3 && LEAKS.isEmpty(); round++) {
      System.gc();
      for (int i = 0; i < 64; i++) {
        PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
        PooledByteBufAllocator.DEFAULT.heapBuffer(1).release();
      }
    }
    List<String> found = List.copyOf(LEAKS);
    LEAKS.clear();
    assertThat(found).as("Netty buffers leaked during " + context.getDisplayName()).isEmpty();
  }
}

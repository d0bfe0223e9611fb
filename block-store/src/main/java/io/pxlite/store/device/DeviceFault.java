package io.pxlite.store.device;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A fault-injection hook on the device layer, for tests that need a failing disk without one: it is
 * consulted before every slot read, slot write and device sync, and throws the {@link IOException}
 * the device would. Production stores run with {@link #NONE}.
 */
@FunctionalInterface
public interface DeviceFault {
  DeviceFault NONE = (device, op) -> {};

  enum Op { READ, WRITE, SYNC }

  /** @throws IOException to make this operation on {@code device} fail */
  void check(Path device, Op op) throws IOException;
}

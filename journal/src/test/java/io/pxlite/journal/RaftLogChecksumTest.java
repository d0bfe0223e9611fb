package io.pxlite.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.Checksum;
import org.apache.ratis.util.PureJavaCrc32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pxlite's {@link PureJavaCrc32C} (the JDK's CRC32C behind Ratis' class name) against Ratis' own,
 * loaded from the ratis-common jar in a class loader of its own: the same checksums for every way
 * Ratis calls it, so logs written by either read back with either.
 */
class RaftLogChecksumTest {
  private static Class<?> ratisOwn;

  @BeforeAll
  static void loadRatisOwn() throws Exception {
    String resource = "org/apache/ratis/util/PureJavaCrc32C.class";
    List<URL> copies = Collections.list(RaftLogChecksumTest.class.getClassLoader().getResources(resource));
    URL inJar = copies.stream().filter(u -> u.getProtocol().equals("jar") && u.getPath().contains("ratis-common"))
        .findFirst().orElseThrow(() -> new AssertionError("Ratis' own class not on the class path: " + copies));
    String jar = inJar.getPath().substring(0, inJar.getPath().indexOf("!/"));
    ratisOwn = new URLClassLoader(new URL[] {new URL(jar)}, ClassLoader.getPlatformClassLoader())
        .loadClass("org.apache.ratis.util.PureJavaCrc32C");
    assertThat(ratisOwn).isNotSameAs(PureJavaCrc32C.class);
  }

  @Test
  void journalsStandInsAreTheClassesLoadedHere() {
    assertThat(RatisStandIns.loaded()).as(RatisStandIns.describe()).isTrue();
    assertThat(org.apache.ratis.util.TimeoutExecutor.getInstance())
        .as("Ratis' timeouts by the monotonic clock").isInstanceOf(org.apache.ratis.util.TimeoutScheduler.class);
  }

  @Test
  void sameChecksumsAsRatisOwnForArraysOfEveryShape() throws Exception {
    Random random = new Random(42);
    for (int length : new int[] {0, 1, 3, 7, 8, 9, 63, 4096, 4096 + 13, 1 << 20}) {
      byte[] data = new byte[length + 16];
      random.nextBytes(data);
      int offset = random.nextInt(16);
      Checksum theirs = (Checksum) ratisOwn.getConstructor().newInstance();
      Checksum ours = new PureJavaCrc32C();
      theirs.update(data, offset, length);
      ours.update(data, offset, length);
      assertThat(ours.getValue()).as("%d bytes at offset %d", length, offset).isEqualTo(theirs.getValue());
      theirs.update(0xA5);
      ours.update(0xA5);
      assertThat(ours.getValue()).as("then one byte").isEqualTo(theirs.getValue());
      theirs.reset();
      ours.reset();
      theirs.update(data, 0, data.length / 2);
      ours.update(data, 0, data.length / 2);
      assertThat(ours.getValue()).as("after a reset").isEqualTo(theirs.getValue());
    }
  }

  @Test
  void sameChecksumsAsRatisOwnForBuffersAndThePositionStays() throws Exception {
    Method theirUpdate = ratisOwn.getMethod("update", ByteBuffer.class);
    Random random = new Random(7);
    for (boolean direct : new boolean[] {false, true}) {
      for (int length : new int[] {0, 5, 8, 4096 + 3, 3 << 20}) {
        byte[] bytes = new byte[length + 32];
        random.nextBytes(bytes);
        ByteBuffer ourBuffer = direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
        ourBuffer.put(bytes).position(11).limit(11 + length);
        ByteBuffer theirBuffer = ourBuffer.duplicate();
        Checksum theirs = (Checksum) ratisOwn.getConstructor().newInstance();
        PureJavaCrc32C ours = new PureJavaCrc32C();
        theirUpdate.invoke(theirs, theirBuffer);
        ours.update(ourBuffer);
        assertThat(ours.getValue()).as("%s buffer of %d bytes", direct ? "direct" : "heap", length)
            .isEqualTo(theirs.getValue());
        assertThat(ourBuffer.position()).as("position after update, as Ratis' own leaves it")
            .isEqualTo(theirBuffer.position()).isEqualTo(11);
      }
    }
  }
}

package io.pxlite.store.index;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.jar.JarEntry;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library from one copy kept in the node's data directory.
 *
 * <p>Left to itself, RocksDB's JNI loader extracts its 15 MB library into a new file in
 * {@code java.io.tmpdir} at every start and deletes it only on a clean exit, so every {@code kill -9}
 * (a crash test, a power-loss test, an operator) leaves one behind. Here the library is extracted
 * once into {@code <dir>/rocksdbjni-<crc>-<size>/}, named by the jar entry's CRC-32 and size so a
 * different RocksDB version gets its own directory, and loaded from there on every later start.
 * When that is impossible (a read-only data directory, the library not in a jar), RocksDB's own
 * loader runs, with a warning.
 */
public final class RocksLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(RocksLibrary.class);

  /** The library as the jar holds it ({@code librocksdbjni-linux64.so} on x86-64 Linux). */
  static final String ENTRY_NAME = Environment.getJniLibraryFileName("rocksdb");
  /**
   * The file name {@link RocksDB#loadLibrary(List)} loads from each directory it is given (on x86-64
   * Linux {@code librocksdbjnijni-linux64.so}: that method names the library differently from the jar).
   */
  static final String LOADED_NAME = Environment.getJniLibraryFileName("rocksdbjni");

  private static Path loadedFrom;
  private static boolean loaded;

  private RocksLibrary() {}

  /**
   * Loads the library once per JVM, from a copy under {@code dir} (made if missing). Later calls, with
   * any directory, do nothing.
   *
   * @return the directory the library was loaded from, or null if RocksDB's own loader was used
   */
  public static synchronized Path load(Path dir) {
    if (loaded) {
      return loadedFrom;
    }
    try {
      Path copyDir = copy(dir);
      RocksDB.loadLibrary(List.of(copyDir.toString()));
      loadedFrom = copyDir;
    } catch (IOException | UncheckedIOException | UnsatisfiedLinkError | SecurityException e) {
      LOG.warn("RocksDB's native library could not be kept in {} ({}); RocksDB extracts it into {} instead",
          dir, e.toString(), System.getProperty("java.io.tmpdir"));
      RocksDB.loadLibrary();
    }
    loaded = true;
    return loadedFrom;
  }

  /** The directory holding this RocksDB version's library under {@code dir}, copied from the jar if missing. */
  static Path copy(Path dir) throws IOException {
    URL resource = RocksDB.class.getClassLoader().getResource(ENTRY_NAME);
    if (resource == null) {
      throw new IOException("no " + ENTRY_NAME + " on the class path");
    }
    URLConnection connection = resource.openConnection();
    if (!(connection instanceof JarURLConnection jar)) {
      throw new IOException(resource + " is not in a jar");
    }
    JarEntry entry = jar.getJarEntry();
    if (entry.getCrc() < 0 || entry.getSize() < 0) {
      throw new IOException(resource + " has no CRC or size in its jar");
    }
    Path copyDir = dir.resolve(String.format("rocksdbjni-%08x-%d", entry.getCrc(), entry.getSize()));
    Path library = copyDir.resolve(LOADED_NAME);
    if (Files.isRegularFile(library) && Files.size(library) == entry.getSize()) {
      return copyDir;
    }
    Files.createDirectories(copyDir);
    // Written beside its final name, synced, then renamed: no start ever finds a half-written
    // library under the final name, whether another start or a crash interrupted this one.
    Path partial = Files.createTempFile(copyDir, "partial-", ".so");
    try {
      try (InputStream in = connection.getInputStream()) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      if (Files.size(partial) != entry.getSize()) {
        throw new IOException("copied " + Files.size(partial) + " bytes of " + resource + ", expected " + entry.getSize());
      }
      Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    LOG.info("RocksDB's native library copied to {}", library);
    return copyDir;
  }
}

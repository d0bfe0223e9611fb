package io.pxlite.node.durable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Small state files that survive power loss. A write goes to a temp file in the same directory, is
 * forced to disk, renamed over the target atomically, and then the directory itself is forced: without
 * the file force a crash can leave the renamed file 0 bytes long (what happened to identity.json), and
 * without the directory force the rename itself may be lost. Reads tell a missing file from a damaged
 * one, so callers can recover instead of refusing to start.
 */
public final class DurableFiles {
  /** Temp files are named {@code .<name>.<random>.tmp}; one left by a crash is never read and is removed. */
  static final String TMP_SUFFIX = ".tmp";

  private static final ObjectMapper JSON = new ObjectMapper();

  private DurableFiles() {}

  /** Replaces {@code file} with {@code bytes}, atomically and durably. */
  public static void write(Path file, byte[] bytes) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + TMP_SUFFIX);
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    forceDirectory(dir);
  }

  /** {@link #write} of {@code value} as JSON. */
  public static void writeJson(Path file, Object value) throws IOException {
    write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
  }

  /** Forces a directory's entries (a rename or a create in it) to disk. */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * The file's content; empty if it does not exist.
   *
   * @throws DamagedFileException if it exists but is empty
   */
  public static Optional<byte[]> read(Path file) throws IOException {
    removeLeftoverTemps(file);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (bytes.length == 0) {
      throw new DamagedFileException(file, "the file is empty (0 bytes; a write that did not reach the disk)", null);
    }
    return Optional.of(bytes);
  }

  /**
   * The file parsed as JSON; empty if it does not exist.
   *
   * @throws DamagedFileException if it is empty or not parsable as {@code type}
   */
  public static <T> Optional<T> readJson(Path file, Class<T> type) throws IOException {
    return readJson(file, JSON.constructType(type));
  }

  /** {@link #readJson(Path, Class)} for generic types. */
  public static <T> Optional<T> readJson(Path file, TypeReference<T> type) throws IOException {
    return readJson(file, JSON.constructType(type));
  }

  private static <T> Optional<T> readJson(Path file, JavaType type) throws IOException {
    Optional<byte[]> bytes = read(file);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      T value = JSON.readValue(bytes.get(), type);
      if (value == null) {
        throw new DamagedFileException(file, "the file holds JSON null", null);
      }
      return Optional.of(value);
    } catch (JsonProcessingException e) {
      throw new DamagedFileException(file, "not readable as " + type.getRawClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Removes temp files of {@code file} left by a write that crashed before its rename. */
  static void removeLeftoverTemps(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return;
    }
    String prefix = "." + file.getFileName() + ".";
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir,
        p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(TMP_SUFFIX))) {
      for (Path p : leftovers) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package io.pxlite.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** RocksDB's native library is copied once into the data directory and loaded from there. */
class RocksLibraryTest {
  @TempDir Path dir;

  @Test
  void theCopyIsMadeOnceAndNamedByTheJarEntry() throws IOException {
    Path first = RocksLibrary.copy(dir);
    Path library = first.resolve(RocksLibrary.LOADED_NAME);
    assertThat(first.getParent()).isEqualTo(dir);
    assertThat(first.getFileName().toString()).matches("rocksdbjni-[0-9a-f]{8}-[0-9]+");
    long size = Long.parseLong(first.getFileName().toString().replaceAll(".*-", ""));
    assertThat(Files.size(library)).isEqualTo(size).isGreaterThan(1_000_000L);
    FileTime written = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(library, written);

    Path second = RocksLibrary.copy(dir);

    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(library)).as("not copied again").isEqualTo(written);
    try (Stream<Path> files = Files.list(first)) {
      assertThat(files).as("no partial copy left").containsExactly(library);
    }
  }

  @Test
  void aTruncatedCopyIsReplaced() throws IOException {
    Path library = RocksLibrary.copy(dir).resolve(RocksLibrary.LOADED_NAME);
    long size = Files.size(library);
    Files.write(library, new byte[100]);

    RocksLibrary.copy(dir);

    assertThat(Files.size(library)).isEqualTo(size);
  }

  /**
   * In a fresh JVM (this one may have loaded the library already) with an empty temporary
   * directory: the library mapped is the copy, and nothing was extracted into the temporary directory.
   */
  @Test
  void aFreshJvmLoadsTheCopyAndLeavesTheTemporaryDirectoryEmpty() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path keep = dir.resolve("native");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp,
        "-cp", System.getProperty("java.class.path"), Child.class.getName(), keep.toString())
        .redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();

    List<String> mapped = output.lines().filter(l -> l.startsWith("mapped ")).toList();
    assertThat(mapped).as(output).isNotEmpty()
        .allSatisfy(l -> assertThat(l).contains(keep.toString()).endsWith(RocksLibrary.LOADED_NAME));
    assertThat(output).contains("opened");
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("extracted into java.io.tmpdir").isEmpty();
    }
  }

  /** Loads the library from a directory, uses RocksDB, and prints which library files it mapped. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path keep = Path.of(args[0]);
      Path from = RocksLibrary.load(keep);
      if (from == null) {
        throw new AssertionError("fell back to RocksDB's own loader");
      }
      Path db = Files.createDirectories(keep.resolveSibling("db"));
      try (Options options = new Options().setCreateIfMissing(true); RocksDB rocks = RocksDB.open(options, db.toString())) {
        rocks.put(new byte[] {1}, new byte[] {2});
        System.out.println("opened");
      }
      try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
        maps.filter(l -> l.contains("rocksdbjni")).map(l -> l.substring(l.indexOf('/')))
            .distinct().forEach(p -> System.out.println("mapped " + p));
      }
    }
  }
}

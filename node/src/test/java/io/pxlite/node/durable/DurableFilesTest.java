package io.pxlite.node.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  record Thing(String name, int n) {}

  @Test
  void writeReplacesTheFileWholeAndLeavesNoTempBehind(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("state.json");
    DurableFiles.writeJson(file, new Thing("a", 1));
    DurableFiles.writeJson(file, new Thing("b", 2));
    assertThat(DurableFiles.readJson(file, Thing.class)).contains(new Thing("b", 2));
    assertThat(dir.toFile().list()).containsExactly("state.json");
  }

  @Test
  void writeCreatesMissingDirectoriesAndForcesThem(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a/b/raw.bin");
    DurableFiles.write(file, "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("hello");
    // forceDirectory opens a directory for reading and forces it: must work on this file system.
    DurableFiles.forceDirectory(file.getParent());
    assertThatThrownBy(() -> DurableFiles.forceDirectory(dir.resolve("no-such-dir")))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  @Test
  void aMissingFileIsEmptyNotDamaged(@TempDir Path dir) throws Exception {
    assertThat(DurableFiles.readJson(dir.resolve("none.json"), Thing.class)).isEmpty();
    assertThat(DurableFiles.read(dir.resolve("none.bin"))).isEmpty();
  }

  @Test
  void anEmptyFileIsDamagedAndSaysSo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("state.json");
    Files.createFile(file);
    assertThatThrownBy(() -> DurableFiles.readJson(file, Thing.class))
        .isInstanceOfSatisfying(DamagedFileException.class, e -> {
          assertThat(e.file()).isEqualTo(file);
          assertThat(e.reason()).contains("empty");
        })
        .hasMessageContaining(file.toString());
  }

  @Test
  void unparsableJsonIsDamagedAndSaysWhy(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("state.json");
    for (String bad : new String[] {"{\"name\": \"a\", ", "\u0000\u0000\u0000", "null", "[1,2]"}) {
      Files.writeString(file, bad);
      assertThatThrownBy(() -> DurableFiles.readJson(file, Thing.class))
          .as(bad)
          .isInstanceOfSatisfying(DamagedFileException.class, e -> assertThat(e.file()).isEqualTo(file))
          .hasMessageContaining(file.toString());
    }
    Files.writeString(file, "{oops");
    assertThatThrownBy(() -> DurableFiles.readJson(file, new com.fasterxml.jackson.core.type.TypeReference<
        Map<String, Thing>>() {})).isInstanceOf(DamagedFileException.class).hasMessageContaining("Map");
  }

  @Test
  void leftoverTempFilesOfACrashedWriteAreIgnoredAndRemoved(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("state.json");
    DurableFiles.writeJson(file, new Thing("kept", 7));
    Path leftover = dir.resolve(".state.json.0b7c-crashed.tmp");
    Files.writeString(leftover, "{\"name\":\"half");
    Path other = dir.resolve(".other.json.1.tmp");
    Files.writeString(other, "not ours");
    assertThat(DurableFiles.readJson(file, Thing.class)).contains(new Thing("kept", 7));
    assertThat(leftover).doesNotExist();
    assertThat(other).exists();
    // A crash before the first rename: only a temp, no file. Still "missing", never half a value.
    Path fresh = dir.resolve("fresh.json");
    Files.writeString(dir.resolve(".fresh.json.x.tmp"), "{\"name\":\"x\",\"n\":1}");
    assertThat(DurableFiles.readJson(fresh, Thing.class)).isEmpty();
    assertThat(dir.resolve(".fresh.json.x.tmp")).doesNotExist();
  }
}

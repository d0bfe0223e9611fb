package io.pxlite.node.attach;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
  @Test
  void unescapesTheOctalEscapesOfMountinfo() {
    assertThat(MountTable.unescape("/mnt/my\\040disk")).isEqualTo("/mnt/my disk");
    assertThat(MountTable.unescape("/a\\011b\\012c\\134d")).isEqualTo("/a\tb\nc\\d");
    assertThat(MountTable.unescape("\\040")).isEqualTo(" ");
    assertThat(MountTable.unescape("/end\\040")).isEqualTo("/end ");
  }

  @Test
  void leavesEverythingElseAlone() {
    assertThat(MountTable.unescape("/var/lib/pxlite")).isEqualTo("/var/lib/pxlite");
    assertThat(MountTable.unescape("")).isEmpty();
    assertThat(MountTable.unescape("/a\\04")).isEqualTo("/a\\04");
    assertThat(MountTable.unescape("/a\\x41")).isEqualTo("/a\\x41");
    assertThat(MountTable.unescape("/a\\089")).isEqualTo("/a\\089");
    assertThat(MountTable.unescape("/a\\")).isEqualTo("/a\\");
    assertThat(MountTable.unescape("/\u00e9t\u00e9")).isEqualTo("/\u00e9t\u00e9");
  }

  @Test
  void parsesTargetTypeAndSource() {
    List<MountTable.Mount> mounts = MountTable.parse(List.of(
        "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw",
        "36 25 7:0 / /var/lib/pxlite/mnt/my\\040vol rw,relatime shared:20 - ext4 /dev/loop0 rw",
        // No optional fields at all between the options and the separator.
        "40 25 0:55 / /var/lib/pxlite/attach/demo/fuse rw,nosuid,nodev,relatime - fuse.nbdfuse nbdfuse rw,user_id=0",
        // Several optional fields.
        "41 25 7:1 /sub /data rw shared:3 master:1 propagate_from:2 unbindable - xfs /dev/loop1 rw,attr2"));
    assertThat(mounts).containsExactly(
        new MountTable.Mount("/proc", "proc", "proc"),
        new MountTable.Mount("/var/lib/pxlite/mnt/my vol", "ext4", "/dev/loop0"),
        new MountTable.Mount("/var/lib/pxlite/attach/demo/fuse", "fuse.nbdfuse", "nbdfuse"),
        new MountTable.Mount("/data", "xfs", "/dev/loop1"));
  }

  @Test
  void aSourceWithASpaceIsUnescapedToo() {
    assertThat(MountTable.parse(List.of("50 25 0:60 / /srv rw - fuse.sshfs user@host:/my\\040dir rw")))
        .containsExactly(new MountTable.Mount("/srv", "fuse.sshfs", "user@host:/my dir"));
  }

  @Test
  void skipsLinesNotInMountinfosShape() {
    assertThat(MountTable.parse(List.of("", "garbage", "1 2 3 4 /x rw", "1 2 3 4 /x rw -", "1 2 3 4 /x rw - ext4")))
        .isEmpty();
  }

  @Test
  void readsThisProcesssOwnMountTable() {
    assertThat(MountTable.read()).anySatisfy(m -> assertThat(m.target()).isEqualTo("/"));
    assertThat(MountTable.at(Path.of("/"))).isPresent();
    assertThat(MountTable.at(Path.of("/surely/not/a/mount/point"))).isEmpty();
  }
}

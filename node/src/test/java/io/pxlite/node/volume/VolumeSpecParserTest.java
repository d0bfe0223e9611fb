package io.pxlite.node.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.node.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeSpecParserTest {
  @Test
  void defaultsArePxs() {
    VolumeSpec s = VolumeSpecParser.parse(Map.of());
    assertThat(s.sizeBytes()).isEqualTo(1L << 30);
    assertThat(s.repl()).isEqualTo(1);
    assertThat(s.fs()).isEqualTo("ext4");
    assertThat(s.blockSize()).isEqualTo(4096);
    assertThat(s.ioPriority()).isEqualTo("medium");
    assertThat(s.labels()).isEmpty();
  }

  @Test
  void everyOptionIsParsed() {
    VolumeSpec s = VolumeSpecParser.parse(Map.of("size", "10", "repl", "3", "fs", "none", "block_size", "64K",
        "io_priority", "high", "snap_interval", "60", "labels", "app=db, tier=gold"));
    assertThat(s.sizeBytes()).isEqualTo(10L << 30);
    assertThat(s.repl()).isEqualTo(3);
    assertThat(s.fs()).isEqualTo("none");
    assertThat(s.blockSize()).isEqualTo(65536);
    assertThat(VolumeSpecParser.parse(Map.of("fs", "XFS", "block_size", "2K")).fs()).isEqualTo("xfs");
    assertThat(s.snapInterval()).isEqualTo(60);
    assertThat(s.labels()).containsEntry("app", "db").containsEntry("tier", "gold");
  }

  @Test
  void snapshotSchedulesAndSnapIntervalAsAPeriodicOne() {
    VolumeSpec s = VolumeSpecParser.parse(Map.of("periodic", "30;4", "daily", "02:00;7", "monthly", "off"));
    assertThat(s.schedules()).extracting(x -> x.text()).containsExactly("periodic 30,4", "daily 02:00,7");
    assertThat(s.snapInterval()).as("snap_interval follows periodic").isEqualTo(30);
    assertThat(VolumeSpecParser.parse(Map.of("snap_interval", "60")).schedules()).extracting(x -> x.text())
        .containsExactly("periodic 60,5");
    assertThat(VolumeSpecParser.parse(Map.of()).schedules()).isEmpty();
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("snap_interval", "60", "periodic", "30")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'snap_interval'").hasMessageContaining("periodic 30");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("weekly", "noon")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'weekly'");
  }

  @Test
  void badOptionsNameThemselves() {
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("colour", "red")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'colour': unknown volume option");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("repl", "two"))).hasMessageContaining("'repl'");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("repl", "0"))).hasMessageContaining("'repl'");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("fs", "btrfs"))).hasMessageContaining("'fs'");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("block_size", "3K"))).hasMessageContaining("'block_size'");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("fs", "ext4", "block_size", "8K")))
        .hasMessageContaining("'block_size'").hasMessageContaining("could not be mounted");
    assertThat(VolumeSpecParser.parse(Map.of("size", "1000")).sizeBytes()).isEqualTo(1000L << 30);
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("size", "1001B"))).hasMessageContaining("multiple of 4 KiB");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("io_priority", "urgent"))).hasMessageContaining("'io_priority'");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("labels", "novalue"))).hasMessageContaining("key=value");
  }

  @Test
  void nodesAreCommaOrSemicolonSeparatedDistinctAndAtMostRepl() {
    assertThat(VolumeSpecParser.parse(Map.of("repl", "3", "nodes", "a; b,c")).nodes()).containsExactly("a", "b", "c");
    assertThat(VolumeSpecParser.parse(Map.of("repl", "2", "nodes", "a")).nodes()).containsExactly("a");
    assertThat(VolumeSpecParser.parse(Map.of()).nodes()).isEmpty();
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("repl", "1", "nodes", "a,b")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'nodes'").hasMessageContaining("names 2 nodes");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("repl", "2", "nodes", "a;a")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("names node a twice");
  }

  @Test
  void ioLimitsTakeOneValueOrReadAndWrite() {
    assertThat(VolumeSpecParser.parse(Map.of()).limits()).isEqualTo(io.pxlite.api.IoLimits.NONE);
    assertThat(VolumeSpecParser.parse(Map.of("max_iops", "500")).limits())
        .isEqualTo(new io.pxlite.api.IoLimits(500, 500, 0, 0));
    // ';' where ',' separates options (Docker's inline names).
    assertThat(VolumeSpecParser.parse(Map.of("max_iops", "500;200", "max_bandwidth", "100,512K")).limits())
        .isEqualTo(new io.pxlite.api.IoLimits(500, 200, 100L << 20, 512L << 10));
    assertThat(VolumeSpecParser.parse(Map.of("max_bandwidth", "0,8")).limits())
        .isEqualTo(new io.pxlite.api.IoLimits(0, 0, 0, 8L << 20));
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("max_iops", "fast"))).hasMessageContaining("'max_iops'");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("max_iops", "1,2,3"))).hasMessageContaining("READ,WRITE");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("max_iops", "-5"))).hasMessageContaining("negative");
    assertThatThrownBy(() -> VolumeSpecParser.parse(Map.of("max_bandwidth", "lots"))).hasMessageContaining("'max_bandwidth'");
  }
}

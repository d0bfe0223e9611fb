package io.pxlite.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void pxFormsAreBinaryAndBareNumbersTakeTheFieldsUnit() {
    assertThat(ByteSize.parse("10", ByteSize.GIB, "size")).isEqualTo(10L << 30);
    assertThat(ByteSize.parse("10G", ByteSize.GIB, "size")).isEqualTo(10L << 30);
    assertThat(ByteSize.parse("10GiB", ByteSize.GIB, "size")).isEqualTo(10L << 30);
    assertThat(ByteSize.parse("512m", ByteSize.GIB, "size")).isEqualTo(512L << 20);
    assertThat(ByteSize.parse("1T", ByteSize.GIB, "size")).isEqualTo(1L << 40);
    assertThat(ByteSize.parse("1.5G", ByteSize.GIB, "size")).isEqualTo(3L << 29);
    assertThat(ByteSize.parse("4", ByteSize.KIB, "block_size")).isEqualTo(4096);
    assertThat(ByteSize.parse("4096B", ByteSize.KIB, "block_size")).isEqualTo(4096);
  }

  @Test
  void nonsenseIsRejectedNamingTheField() {
    assertThatThrownBy(() -> ByteSize.parse("10Q", ByteSize.GIB, "size")).hasMessageContaining("'size'");
    assertThatThrownBy(() -> ByteSize.parse("", ByteSize.GIB, "size")).hasMessageContaining("required");
    assertThatThrownBy(() -> ByteSize.parse("99999999999T", ByteSize.GIB, "size")).hasMessageContaining("too large");
    assertThatThrownBy(() -> ByteSize.parse("0.3", ByteSize.KIB, "block_size")).hasMessageContaining("whole number");
  }

  @Test
  void formatsForHumans() {
    assertThat(ByteSize.format(1L << 30)).isEqualTo("1 GiB");
    assertThat(ByteSize.format(3L << 29)).isEqualTo("1.5 GiB");
    assertThat(ByteSize.format(100)).isEqualTo("100 B");
  }
}

package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanSizeTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0 B",
    "1023, 1023 B",
    "1024, 1 KiB",
    "1536, 1.5 KiB",
    "1073741824, 1 GiB",
    "1342177280, 1.3 GiB",
    "1099511627776, 1 TiB",
    "1100585369600, 1 TiB",
    "9223372036854775807, 8 EiB",
    "-1024, -1 KiB"
  })
  void binaryUnitsWithAtMostOneDecimal(long bytes, String expected) {
    assertThat(HumanSize.of(bytes)).isEqualTo(expected);
  }
}

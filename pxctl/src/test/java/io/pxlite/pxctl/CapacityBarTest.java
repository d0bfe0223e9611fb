package io.pxlite.pxctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CapacityBarTest {
  @Test
  void fillsTwentyCharactersInProportion() {
    assertThat(CapacityBar.of(45, 100)).isEqualTo("[#########...........] 45% used");
    assertThat(CapacityBar.of(1, 8)).isEqualTo("[###.................] 13% used");
    assertThat(CapacityBar.of(100, 100)).isEqualTo("[####################] 100% used");
  }

  @Test
  void emptyUnknownAndOverfullStayWithinTheBar() {
    assertThat(CapacityBar.of(0, 100)).isEqualTo("[....................] 0% used");
    // A device reporting no capacity (not yet sized) is shown empty rather than dividing by zero.
    assertThat(CapacityBar.of(5, 0)).isEqualTo("[....................] 0% used");
    assertThat(CapacityBar.of(150, 100)).isEqualTo("[####################] 100% used");
  }
}

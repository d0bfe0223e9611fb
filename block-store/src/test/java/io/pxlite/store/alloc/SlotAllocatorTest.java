package io.pxlite.store.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlotAllocatorTest {
  @Test
  void allocatesNextFitAndWraps() {
    SlotAllocator a = new SlotAllocator(130);
    for (int i = 0; i < 100; i++) {
      assertThat(a.allocate()).isEqualTo(i);
    }
    a.release(5);
    assertThat(a.allocate()).as("next fit continues past the cursor").isEqualTo(100);
    for (int i = 101; i < 130; i++) {
      assertThat(a.allocate()).isEqualTo(i);
    }
    assertThat(a.allocate()).as("wraps to the released slot").isEqualTo(5);
    assertThat(a.allocate()).isEqualTo(-1);
    assertThat(a.free()).isZero();
  }

  @Test
  void aFreedSlotIsNotReusedBeforeTheCheckpointThatCoversItCompletes() {
    SlotAllocator a = new SlotAllocator(64);
    for (int i = 0; i < 64; i++) {
      a.allocate();
    }
    a.freeAfterCheckpoint(7);
    assertThat(a.allocate()).isEqualTo(-1);
    assertThat(a.referenced()).isEqualTo(63);
    assertThat(a.awaitingCheckpoint()).isOne();

    a.seal();
    a.freeAfterCheckpoint(9); // freed while the checkpoint runs: not covered by it
    assertThat(a.allocate()).isEqualTo(-1);
    a.releaseSealed();
    assertThat(a.allocate()).isEqualTo(7);
    assertThat(a.allocate()).isEqualTo(-1);

    a.seal();
    a.releaseSealed();
    assertThat(a.allocate()).isEqualTo(9);
  }

  @Test
  void refusesDoubleFreesAndUnknownSlots() {
    SlotAllocator a = new SlotAllocator(10);
    long s = a.allocate();
    a.freeAfterCheckpoint(s);
    assertThatThrownBy(() -> a.freeAfterCheckpoint(s)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.release(3)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> a.markUsed(10)).isInstanceOf(IllegalArgumentException.class);
    assertThat(a.markUsed(4)).isTrue();
    assertThat(a.markUsed(4)).isFalse();
  }

  @Test
  void sparsePendingBitmapsHandleManySlotsAcrossPages() {
    SlotAllocator a = new SlotAllocator(300_000);
    Set<Long> freed = new HashSet<>();
    for (int i = 0; i < 300_000; i++) {
      a.allocate();
    }
    for (long s = 3; s < 300_000; s += 997) {
      a.freeAfterCheckpoint(s);
      freed.add(s);
    }
    a.seal();
    a.releaseSealed();
    assertThat(a.free()).isEqualTo(freed.size());
    Set<Long> reallocated = new HashSet<>();
    for (int i = 0; i < freed.size(); i++) {
      reallocated.add(a.allocate());
    }
    assertThat(reallocated).isEqualTo(freed);
  }
}

package io.pxlite.journal.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  @Test
  void everyEventSurvivesTheRoundTrip() {
    List<VolumeEvent> events = List.of(
        new VolumeEvent.CreateVolume(7, 1L << 30),
        new VolumeEvent.Zero(7, 4096, 8192),
        new VolumeEvent.Resize(7, 2L << 30),
        new VolumeEvent.Snapshot(7, 9),
        new VolumeEvent.DeleteSnapshot(9),
        new VolumeEvent.DeleteVolume(7));
    for (VolumeEvent e : events) {
      assertThat(EventCodec.decode(EventCodec.encode(e))).isEqualTo(e);
    }
  }

  /**
   * The caller's buffer is pooled NBD memory, reused once the write is acknowledged, while Ratis may
   * still send the entry to a lagging follower or write it to the leader's log: the entry must not
   * change with the buffer.
   */
  @Test
  void anEncodedWriteDoesNotChangeWhenTheCallersBufferIsReused() {
    ByteBuffer buf = ByteBuffer.allocateDirect(4096);
    for (int i = 0; i < 4096; i++) {
      buf.put(i, (byte) (i * 7));
    }
    ByteString encoded = EventCodec.encode(new VolumeEvent.Write(3, 0, buf));
    ByteString batch = EventCodec.encode(new VolumeEvent.Batch(List.of(new VolumeEvent.Write(3, 0, buf),
        new VolumeEvent.Zero(3, 4096, 4096))));
    for (int i = 0; i < 4096; i++) {
      buf.put(i, (byte) 0);
    }
    ByteBuffer expected = ByteBuffer.allocate(4096);
    for (int i = 0; i < 4096; i++) {
      expected.put(i, (byte) (i * 7));
    }
    assertThat(((VolumeEvent.Write) EventCodec.decode(encoded)).data()).isEqualTo(expected);
    VolumeEvent.Batch decoded = (VolumeEvent.Batch) EventCodec.decode(batch);
    assertThat(((VolumeEvent.Write) decoded.events().get(0)).data()).isEqualTo(expected);
  }

  @Test
  void writePayloadIsCarriedWhole() {
    byte[] data = new byte[5000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    ByteBuffer buf = ByteBuffer.wrap(data, 100, 4096);
    ByteString encoded = EventCodec.encode(new VolumeEvent.Write(3, 12288, buf));
    VolumeEvent.Write w = (VolumeEvent.Write) EventCodec.decode(encoded);
    assertThat(w.volumeId()).isEqualTo(3);
    assertThat(w.offset()).isEqualTo(12288);
    assertThat(w.data()).isEqualTo(ByteBuffer.wrap(data, 100, 4096));
    assertThat(buf.position()).as("encoding leaves the caller's buffer alone").isEqualTo(100);
  }

  @Test
  void aBatchCarriesItsEventsInOrder() {
    ByteBuffer a = ByteBuffer.wrap(new byte[] {1, 2, 3});
    ByteBuffer b = ByteBuffer.wrap(new byte[] {4, 5});
    VolumeEvent.Batch batch = new VolumeEvent.Batch(List.of(
        new VolumeEvent.Write(1, 0, a), new VolumeEvent.Zero(1, 4096, 4096), new VolumeEvent.Write(2, 8, b)));
    VolumeEvent.Batch back = (VolumeEvent.Batch) EventCodec.decode(EventCodec.encode(batch));
    assertThat(back.events()).hasSize(3);
    assertThat(((VolumeEvent.Write) back.events().get(0)).data()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    assertThat(back.events().get(1)).isEqualTo(new VolumeEvent.Zero(1, 4096, 4096));
    assertThat(((VolumeEvent.Write) back.events().get(2)).volumeId()).isEqualTo(2);
    assertThat(((VolumeEvent.Write) back.events().get(2)).data()).isEqualTo(ByteBuffer.wrap(new byte[] {4, 5}));
  }

  @Test
  void batchesDoNotNestAndLiesAboutLengthsAreCaught() {
    VolumeEvent.Batch inner = new VolumeEvent.Batch(List.of(new VolumeEvent.DeleteVolume(1)));
    assertThatThrownBy(() -> EventCodec.encode(new VolumeEvent.Batch(List.of(inner))))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] lying = {1, 8, 0, 0, 0, 1, 0, 0, 0, 100, 1, 7};
    assertThatThrownBy(() -> EventCodec.decode(ByteString.copyFrom(lying)))
        .isInstanceOf(MalformedEventException.class).hasMessageContaining("claims 100 bytes");
  }

  @Test
  void batchOutcomesRoundTrip() {
    List<EventOutcome> outcomes = List.of(EventOutcome.ok(), EventOutcome.failed(EventOutcome.Code.OUT_OF_RANGE, "past the end"));
    List<EventOutcome> back = EventOutcome.decodeAll(EventOutcome.encodeAll(outcomes), 7);
    assertThat(back).extracting(EventOutcome::code).containsExactly(EventOutcome.Code.OK, EventOutcome.Code.OUT_OF_RANGE);
    assertThat(back.get(1).message()).isEqualTo("past the end");
    assertThat(back).allMatch(o -> o.logIndex() == 7);
  }

  @Test
  void garbageIsAMalformedEventNotACrash() {
    assertThatThrownBy(() -> EventCodec.decode(ByteString.copyFrom(new byte[] {9, 1})))
        .isInstanceOf(MalformedEventException.class).hasMessageContaining("format 9");
    assertThatThrownBy(() -> EventCodec.decode(ByteString.copyFrom(new byte[] {1, 99})))
        .isInstanceOf(MalformedEventException.class).hasMessageContaining("type 99");
    assertThatThrownBy(() -> EventCodec.decode(ByteString.copyFrom(new byte[] {1, 1, 0, 0})))
        .isInstanceOf(MalformedEventException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> EventCodec.decode(ByteString.EMPTY)).isInstanceOf(MalformedEventException.class);
  }

  @Test
  void outcomesRoundTrip() {
    EventOutcome o = EventOutcome.failed(EventOutcome.Code.NO_SPACE, "device full");
    EventOutcome back = EventOutcome.decode(o.encode(), 42);
    assertThat(back.code()).isEqualTo(EventOutcome.Code.NO_SPACE);
    assertThat(back.message()).isEqualTo("device full");
    assertThat(back.logIndex()).isEqualTo(42);
  }
}

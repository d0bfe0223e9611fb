package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.pxlite.api.IoLimits;
import java.util.List;
import java.util.Map;

/**
 * A volume's spec and placement as kept in the kvdb. {@code id} is the 16-hex-digit form of the
 * 64-bit id the block store and the log use; {@code replicaGroup} is the Raft group's UUID.
 * {@code witness}, for a two-replica volume in a cluster of three or more, is the node that keeps
 * the group's log without data (null otherwise). {@code ioLimits} is null in records written before
 * limits existed ({@link #limits()} reads that as none); {@code snapSchedules}, null in records written
 * before schedules existed, are its snapshot schedules.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record VolumeRecord(
    String id,
    String name,
    long sizeBytes,
    int repl,
    String fs,
    int blockSize,
    String ioPriority,
    int snapInterval,
    Map<String, String> labels,
    String ctime,
    String replicaGroup,
    List<String> replicas,
    String witness,
    IoLimits ioLimits,
    List<SnapScheduleRecord> snapSchedules) {

  public long numericId() {
    return Long.parseUnsignedLong(id, 16);
  }

  /** The volume's I/O limits; {@link IoLimits#NONE} when it has none. */
  public IoLimits limits() {
    return IoLimits.orNone(ioLimits);
  }

  /** The volume's snapshot schedules (empty when it has none). */
  public List<SnapScheduleRecord> schedules() {
    return snapSchedules == null ? List.of() : snapSchedules;
  }

  /** This volume with {@code schedules}; {@code newSnapInterval} is the periodic one's minutes (0: none). */
  public VolumeRecord withSchedules(List<SnapScheduleRecord> schedules, int newSnapInterval) {
    return new VolumeRecord(id, name, sizeBytes, repl, fs, blockSize, ioPriority, newSnapInterval, labels, ctime,
        replicaGroup, replicas, witness, ioLimits, List.copyOf(schedules));
  }

  public VolumeRecord withSize(long newSizeBytes) {
    return new VolumeRecord(id, name, newSizeBytes, repl, fs, blockSize, ioPriority, snapInterval, labels, ctime,
        replicaGroup, replicas, witness, ioLimits, snapSchedules);
  }

  /** This volume on the replica set {@code newReplicas} (and {@code newWitness}, or none). */
  public VolumeRecord withReplicas(List<String> newReplicas, String newWitness) {
    return new VolumeRecord(id, name, sizeBytes, newReplicas.size(), fs, blockSize, ioPriority, snapInterval, labels,
        ctime, replicaGroup, newReplicas, newWitness, ioLimits, snapSchedules);
  }

  public VolumeRecord withIoPolicy(String newIoPriority, IoLimits newLimits) {
    return new VolumeRecord(id, name, sizeBytes, repl, fs, blockSize, newIoPriority, snapInterval, labels, ctime,
        replicaGroup, replicas, witness, newLimits, snapSchedules);
  }
}

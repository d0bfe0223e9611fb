package io.pxlite.node.kvdb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A volume's spec and placement as kept in the kvdb. {@code id} is the 16-hex-digit form of the
 * 64-bit id the block store and the log use; {@code replicaGroup} is the Raft group's UUID.
 * {@code witness}, for a two-replica volume in a cluster of three or more, is the node that keeps
 * the group's log without data (null otherwise).
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
    String witness) {

  public long numericId() {
    return Long.parseUnsignedLong(id, 16);
  }
}

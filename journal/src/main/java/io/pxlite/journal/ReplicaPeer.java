package io.pxlite.journal;

/**
 * A node taking part in a replica group: its stable node id and its Raft (gRPC) address host:port.
 *
 * @param witness a log-only member: it votes and keeps the log (so a two-replica volume survives
 *     either replica being down) but holds no volume data and never leads
 */
public record ReplicaPeer(String nodeId, String raftAddress, boolean witness) {
  public ReplicaPeer(String nodeId, String raftAddress) {
    this(nodeId, raftAddress, false);
  }

  public ReplicaPeer asWitness() {
    return new ReplicaPeer(nodeId, raftAddress, true);
  }
}

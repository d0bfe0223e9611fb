package io.pxlite.journal;

/** A node taking part in replica groups: its stable node id and its Raft (gRPC) address host:port. */
public record ReplicaPeer(String nodeId, String raftAddress) {}

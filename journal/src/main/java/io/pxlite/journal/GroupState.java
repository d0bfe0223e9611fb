package io.pxlite.journal;

import java.util.Map;

/**
 * What this node's division of a replica group knows of it now, for metrics: read locally, without
 * asking other members.
 *
 * @param stream the group's stream name ({@link ReplicaGroup#streamName})
 * @param leading whether this division leads the group
 * @param term the current Raft term (it grows by one or more with every election)
 * @param commitIndex the last entry this division knows committed
 * @param appliedIndex the last entry applied to the store here
 * @param logBytes bytes of the group's log and metadata files on this node
 * @param checkpointIndex the log index of the store's latest checkpoint for the group (-1: none)
 * @param logStartIndex the first entry still in the log here (it moves up when the log is purged)
 * @param followerLag on the leader: per follower node id, entries between the commit index and the
 *     follower's match index; empty elsewhere
 */
public record GroupState(String stream, boolean leading, long term, long commitIndex, long appliedIndex,
    long logBytes, long checkpointIndex, long logStartIndex, Map<String, Long> followerLag) {}

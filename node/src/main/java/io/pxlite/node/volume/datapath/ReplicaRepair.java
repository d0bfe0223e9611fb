package io.pxlite.node.volume.datapath;

import io.pxlite.journal.GroupLog;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.store.BlockStore;
import io.pxlite.store.ChecksumMismatchException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs blocks of this node's replica that fail their checksum (bit rot) with copies read from
 * the other replicas of the group. A copy is written in only if it matches the checksum this
 * replica's index recorded for the block, so the repaired block is exactly the version this replica
 * applied — never another replica's newer or older one. Reads this replica's devices cannot serve
 * at all (an I/O error) are served by another replica instead.
 */
final class ReplicaRepair {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaRepair.class);
  private static final int BLOCK = BlockStore.BLOCK_SIZE;

  private final BlockStore store;
  private final GroupLog log;
  private final String selfId;

  ReplicaRepair(BlockStore store, GroupLog log, String selfId) {
    this.store = store;
    this.log = log;
    this.selfId = selfId;
  }

  /** Whether there is any other replica to repair from (a witness holds no data). */
  boolean possible() {
    return log.group().peers().stream().anyMatch(p -> !p.nodeId().equals(selfId) && !p.witness());
  }

  /**
   * Repairs every damaged block in the range.
   *
   * @return whether every damaged block was repaired (so a read may be retried)
   */
  boolean repair(String export, long volumeId, long offset, int length) {
    boolean all = true;
    ByteBuffer probe = ByteBuffer.allocate(BLOCK);
    for (long block = offset - offset % BLOCK; block < offset + length; block += BLOCK) {
      try {
        store.view(volumeId).read(block, probe.clear());
        continue;
      } catch (ChecksumMismatchException damaged) {
        all &= repairBlock(export, volumeId, block);
      }
    }
    return all;
  }

  /**
   * Serves a read whose local device failed from the first other replica that answers it. The member
   * answers once it has applied everything committed before the read (a linearizable read addressed
   * to it), so the bytes are at least as new as this replica's: nothing acknowledged is missed.
   *
   * @return whether {@code dst} was filled (and consumed)
   */
  boolean readElsewhere(String export, long volumeId, long offset, ByteBuffer dst, RuntimeException localError) {
    for (ReplicaPeer peer : log.group().peers()) {
      if (peer.nodeId().equals(selfId) || peer.witness()) {
        continue;
      }
      try {
        ByteBuffer copy = log.readFrom(peer.nodeId(), volumeId, offset, dst.remaining()).get(10, TimeUnit.SECONDS);
        if (copy.remaining() != dst.remaining()) {
          continue;
        }
        int bytes = copy.remaining();
        dst.put(copy);
        LOG.warn("{}: reading {} bytes at offset {} failed here ({}); served them from replica {}", export,
            bytes, offset, localError.getMessage(), peer.nodeId());
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        LOG.warn("{}: cannot read offset {} from replica {} either: {}", export, offset, peer.nodeId(), e.toString());
      }
    }
    return false;
  }

  private boolean repairBlock(String export, long volumeId, long block) {
    for (ReplicaPeer peer : log.group().peers()) {
      if (peer.nodeId().equals(selfId) || peer.witness()) {
        continue;
      }
      try {
        ByteBuffer copy = log.readFrom(peer.nodeId(), volumeId, block, BLOCK).get(10, TimeUnit.SECONDS);
        if (store.repairBlock(volumeId, block, copy)) {
          LOG.warn("{}: block at offset {} failed its checksum here; repaired it from replica {}", export, block,
              peer.nodeId());
          return true;
        }
      } catch (Exception e) {
        LOG.warn("{}: cannot repair block at offset {} from replica {}: {}", export, block, peer.nodeId(), e.toString());
      }
    }
    return false;
  }
}

package io.pxlite.node.attach;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pxlite.node.durable.DamagedFileException;
import io.pxlite.node.durable.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's attachments, kept in a file in the data dir so a restarted node knows what it left
 * attached and mounted. Written (and synced) before each change takes effect on the host, so after a
 * crash the file names everything that may exist; startup reconciles it with what does.
 */
final class AttachmentLedger {
  private final Path file;
  private static final Logger LOG = LoggerFactory.getLogger(AttachmentLedger.class);
  private final Map<String, HostAttachment> byVolume = new LinkedHashMap<>();

  AttachmentLedger(Path file) {
    this.file = file;
    try {
      DurableFiles.readJson(file, new TypeReference<List<HostAttachment>>() {})
          .ifPresent(all -> all.forEach(a -> byVolume.put(a.volumeName(), a)));
    } catch (DamagedFileException e) {
      // Losing the ledger loses no data: it only records what to re-establish on the host.
      LOG.warn("damaged attachment ledger {} ({}), starting with it empty: attachments and mounts from before the"
          + " restart are not re-established automatically; re-attach those volumes and clean up leftover mounts"
          + " by hand", file, e.reason());
    } catch (IOException e) {
      throw new AttachException("cannot read the attachment ledger " + file + " (" + e.getMessage()
          + "); move it aside to start without it, then clean up leftover mounts by hand", e);
    }
  }

  synchronized Optional<HostAttachment> get(String volumeName) {
    return Optional.ofNullable(byVolume.get(volumeName));
  }

  synchronized List<HostAttachment> all() {
    return List.copyOf(byVolume.values());
  }

  synchronized void put(HostAttachment a) {
    byVolume.put(a.volumeName(), a);
    persist();
  }

  synchronized void remove(String volumeName) {
    if (byVolume.remove(volumeName) != null) {
      persist();
    }
  }

  private void persist() {
    try {
      DurableFiles.writeJson(file, List.copyOf(byVolume.values()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the attachment ledger " + file, e);
    }
  }
}

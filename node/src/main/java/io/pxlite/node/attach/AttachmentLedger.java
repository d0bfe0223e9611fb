package io.pxlite.node.attach;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This host's attachments, kept in a file in the data dir so a restarted node knows what it left
 * attached and mounted. Written (and synced) before each change takes effect on the host, so after a
 * crash the file names everything that may exist; startup reconciles it with what does.
 */
final class AttachmentLedger {
  private final Path file;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, HostAttachment> byVolume = new LinkedHashMap<>();

  AttachmentLedger(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      try {
        List<HostAttachment> all = json.readValue(file.toFile(), new TypeReference<List<HostAttachment>>() {});
        all.forEach(a -> byVolume.put(a.volumeName(), a));
      } catch (IOException e) {
        throw new AttachException("cannot read the attachment ledger " + file + " (" + e.getMessage()
            + "); move it aside to start without it, then clean up leftover mounts by hand", e);
      }
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
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(List.copyOf(byVolume.values())));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the attachment ledger " + file, e);
    }
  }
}

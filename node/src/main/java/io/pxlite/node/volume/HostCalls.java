package io.pxlite.node.volume;

import io.pxlite.api.ApiException;
import io.pxlite.api.HostAttachmentView;
import io.pxlite.api.HostMountRequest;
import io.pxlite.node.attach.AttachException;
import io.pxlite.node.attach.HostAttachment;
import io.pxlite.node.attach.HostAttachments;
import io.pxlite.node.kvdb.VolumeRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** {@code pxctl host attach|detach|mount|unmount}: the API's requests mapped onto {@link HostAttachments}. */
final class HostCalls {
  private final HostAttachments attachments;
  private final String nodeId;

  HostCalls(HostAttachments attachments, String nodeId) {
    this.attachments = attachments;
    this.nodeId = nodeId;
  }

  HostAttachmentView attach(VolumeRecord v) {
    return view(v, () -> Optional.of(attachments.attach(v)));
  }

  HostAttachmentView detach(VolumeRecord v) {
    return view(v, () -> attachments.detach(v));
  }

  HostAttachmentView mount(VolumeRecord v, HostMountRequest request) {
    if (request == null || request.path() == null || request.path().isBlank()) {
      throw ApiException.badRequest("field 'path' is required");
    }
    return view(v, () -> Optional.of(attachments.mount(v, Path.of(request.path()), HostAttachment.HOST_HOLDER)));
  }

  /** Only what pxctl mounted: a path Docker's containers hold is theirs to release. */
  HostAttachmentView unmount(VolumeRecord v, HostMountRequest request) {
    Optional<Path> path = Optional.ofNullable(request).map(HostMountRequest::path).filter(p -> !p.isBlank()).map(Path::of);
    if (path.isPresent()) {
      boolean mountedByHand = attachments.find(v.name())
          .map(a -> a.mounts().getOrDefault(path.get().toString(), Set.of()).contains(HostAttachment.HOST_HOLDER))
          .orElse(false);
      if (!mountedByHand) {
        throw ApiException.conflict("volume " + v.name() + " is not mounted at " + path.get() + " by pxctl host mount");
      }
    }
    return view(v, () -> attachments.unmount(v, path, HostAttachment.HOST_HOLDER));
  }

  private HostAttachmentView view(VolumeRecord v, Supplier<Optional<HostAttachment>> op) {
    try {
      Optional<HostAttachment> a = op.get();
      return new HostAttachmentView(v.name(), nodeId, a.map(x -> x.device().devicePath()).orElse(null),
          a.map(x -> List.copyOf(x.mounts().keySet())).orElse(List.of()), a.map(HostAttachment::users).orElse(0));
    } catch (AttachException e) {
      throw new ApiException(e.isConflict() ? 409 : 500, e.getMessage(), e);
    }
  }
}

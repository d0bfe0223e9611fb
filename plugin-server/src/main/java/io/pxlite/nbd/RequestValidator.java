package io.pxlite.nbd;

import static io.pxlite.nbd.NbdProtocol.*;

import java.util.Optional;

/**
 * Decides whether a request may reach the export, and if not, which NBD error refuses it. The
 * checks follow the spec's "Error values": unknown commands and flags are EINVAL; writes to a
 * read-only export are EPERM; ranges past the end are ENOSPC for WRITE and WRITE_ZEROES and EINVAL
 * for the rest.
 */
final class RequestValidator {
  private final NegotiatedExport negotiated;

  RequestValidator(NegotiatedExport negotiated) {
    this.negotiated = negotiated;
  }

  /** The refusal for {@code request}, or empty if the export should carry it out. */
  Optional<NbdException> refusal(TransmissionRequest request) {
    int type = request.type();
    // NBD_CMD_DISC never gets here: the session acts on it directly.
    if (type > CMD_BLOCK_STATUS || type == CMD_DISC) {
      return refuse(NbdError.EINVAL, "unknown command " + type);
    }
    int unexpectedFlags = request.flags() & ~allowedFlags(type);
    if (unexpectedFlags != 0) {
      return refuse(NbdError.EINVAL,
          String.format("flags 0x%x are not valid for %s here", unexpectedFlags, commandName(type)));
    }
    return switch (type) {
      case CMD_READ -> read(request);
      case CMD_WRITE -> write(request);
      case CMD_TRIM -> modify(request, NbdError.EINVAL);
      case CMD_WRITE_ZEROES -> modify(request, NbdError.ENOSPC);
      case CMD_FLUSH -> request.offset() != 0 || request.length() != 0
          ? refuse(NbdError.EINVAL, "NBD_CMD_FLUSH offset and length must be zero")
          : Optional.empty();
      case CMD_CACHE -> inBounds(request, NbdError.EINVAL);
      case CMD_BLOCK_STATUS -> blockStatus(request);
      default -> throw new IllegalStateException("unhandled command " + type);
    };
  }

  /** FUA is valid on every command (spec: "valid for all commands"); the others on one each. */
  private int allowedFlags(int type) {
    return CMD_FLAG_FUA | switch (type) {
      case CMD_READ -> negotiated.structuredReplies() ? CMD_FLAG_DF : 0;
      case CMD_WRITE_ZEROES -> CMD_FLAG_NO_HOLE | (negotiated.readOnly() ? 0 : CMD_FLAG_FAST_ZERO);
      case CMD_BLOCK_STATUS -> CMD_FLAG_REQ_ONE;
      default -> 0;
    };
  }

  private Optional<NbdException> read(TransmissionRequest request) {
    if (request.length() > MAX_PAYLOAD) {
      // With structured replies the spec offers EOVERFLOW so a client knows to retry smaller.
      NbdError error = negotiated.structuredReplies() ? NbdError.EOVERFLOW : NbdError.EINVAL;
      return refuse(error, "read of " + request.length() + " bytes exceeds the maximum payload of " + MAX_PAYLOAD);
    }
    return inBounds(request, NbdError.EINVAL);
  }

  private Optional<NbdException> write(TransmissionRequest request) {
    if (request.payloadDiscarded()) {
      return refuse(NbdError.EINVAL,
          "write of " + request.length() + " bytes exceeds the maximum payload of " + MAX_PAYLOAD);
    }
    return modify(request, NbdError.ENOSPC);
  }

  private Optional<NbdException> modify(TransmissionRequest request, NbdError pastTheEnd) {
    if (negotiated.readOnly()) {
      return refuse(NbdError.EPERM, "export '" + negotiated.export().name() + "' is read-only");
    }
    return inBounds(request, pastTheEnd);
  }

  private Optional<NbdException> blockStatus(TransmissionRequest request) {
    if (!negotiated.allocationContext()) {
      return refuse(NbdError.EINVAL, "no metadata context was negotiated for this export");
    }
    if (request.length() == 0) {
      // A successful reply needs at least one extent of nonzero length; there is none to give.
      return refuse(NbdError.EINVAL, "NBD_CMD_BLOCK_STATUS of zero length");
    }
    return inBounds(request, NbdError.EINVAL);
  }

  private Optional<NbdException> inBounds(TransmissionRequest request, NbdError pastTheEnd) {
    long size = negotiated.sizeBytes();
    long offset = request.offset();
    // offset is unsigned: a "negative" one is beyond 2^63, past any export.
    if (offset < 0 || offset > size || request.length() > size - offset) {
      return refuse(pastTheEnd, String.format("%s of %d bytes at offset %s is past the end of the %d byte export",
          commandName(request.type()), request.length(), Long.toUnsignedString(offset), size));
    }
    return Optional.empty();
  }

  private static Optional<NbdException> refuse(NbdError error, String message) {
    return Optional.of(new NbdException(error, message));
  }
}

package io.pxlite.nbd;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.Channel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of a freshly accepted NBD connection: the handshake, a deadline for it, and
 * the fault handler that keeps every failure confined to that connection. Later phases swap their
 * own handlers in (see {@link HandshakeDecoder} and {@link OptionNegotiator}).
 */
@ChannelHandler.Sharable
final class NbdChannelInitializer extends ChannelInitializer<Channel> {
  // Handler names, head to tail. Handshake: timeout, handshake, faults. Option haggling: timeout,
  // option encoder, option decoder, negotiator, faults. Transmission: reply encoder, request
  // decoder, session, faults.
  static final String HANDSHAKE_TIMEOUT = "nbd-handshake-timeout";
  static final String HANDSHAKE = "nbd-handshake";
  static final String OPTION_ENCODER = "nbd-option-encoder";
  static final String OPTION_DECODER = "nbd-option-decoder";
  static final String OPTION_NEGOTIATOR = "nbd-option-negotiator";
  static final String REPLY_ENCODER = "nbd-reply-encoder";
  static final String REQUEST_DECODER = "nbd-request-decoder";
  static final String SESSION = "nbd-session";
  static final String FAULTS = "nbd-faults";
  static final String FLUSH_CONSOLIDATION = "nbd-flush-consolidation";

  /** A client silent this long before reaching transmission holds a connection for nothing. */
  private static final int HANDSHAKE_TIMEOUT_SECONDS = 30;

  private static final ConnectionFaultHandler FAULT_HANDLER = new ConnectionFaultHandler();

  private final NbdExportCatalog catalog;
  private final Executor blocking;
  private final ExportLookup lookup;
  private final NbdMetrics metrics;

  NbdChannelInitializer(NbdExportCatalog catalog, Executor blocking, ExportLookup lookup, NbdMetrics metrics) {
    this.catalog = catalog;
    this.blocking = blocking;
    this.lookup = lookup;
    this.metrics = metrics;
  }

  @Override
  protected void initChannel(Channel channel) {
    // A client may shut down its sending side and still wait for replies (libnbd does so after
    // NBD_CMD_DISC); the session decides when to close, not the end of input.
    channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    metrics.connectionOpened();
    channel.closeFuture().addListener(closed -> metrics.connectionClosed());
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(HANDSHAKE_TIMEOUT, new ReadTimeoutHandler(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
    pipeline.addLast(HANDSHAKE, new HandshakeDecoder(catalog, blocking, lookup, metrics));
    pipeline.addLast(FAULTS, FAULT_HANDLER);
  }
}

package io.pxlite.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A byte-level NBD client over a unix socket, for driving the server with input no real client would
 * send. Every read has a deadline, so a server that neither answers nor closes fails the test rather
 * than hanging it.
 */
final class RawNbdClient implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** An option reply: the option answered, the reply type and its data. */
  record OptionReplyFrame(int option, int type, byte[] data) {
    ByteBuffer buffer() {
      return ByteBuffer.wrap(data);
    }
  }

  /** A reply header: a simple reply (error, no type) or a structured chunk with its payload. */
  record ReplyFrame(boolean structured, int error, int flags, int type, long cookie, byte[] payload) {
    ByteBuffer buffer() {
      return ByteBuffer.wrap(payload);
    }

    /** The NBD error of a simple reply or of a structured error chunk; 0 for success. */
    int errorCode() {
      if (!structured) {
        return error;
      }
      return (type & 0x8000) != 0 ? ByteBuffer.wrap(payload).getInt() : 0;
    }

    /** The message of a structured error chunk. */
    String errorMessage() {
      ByteBuffer b = ByteBuffer.wrap(payload);
      b.getInt();
      byte[] message = new byte[b.getShort() & 0xffff];
      b.get(message);
      return new String(message, StandardCharsets.UTF_8);
    }
  }

  private final SocketChannel channel;
  /** Separate selectors for reading and writing, so one thread may send while another receives. */
  private final Selector readable;
  private final Selector writable;

  private RawNbdClient(SocketChannel channel, Selector readable, Selector writable) {
    this.channel = channel;
    this.readable = readable;
    this.writable = writable;
  }

  static RawNbdClient connect(Path socket) {
    return connect(UnixDomainSocketAddress.of(socket));
  }

  static RawNbdClient connect(SocketAddress address) {
    try {
      SocketChannel channel = SocketChannel.open(address);
      channel.configureBlocking(false);
      Selector readable = Selector.open();
      Selector writable = Selector.open();
      channel.register(readable, SelectionKey.OP_READ);
      channel.register(writable, SelectionKey.OP_WRITE);
      return new RawNbdClient(channel, readable, writable);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + address, e);
    }
  }

  /** Connects, checks the greeting and sends client flags: ready for options. */
  static RawNbdClient negotiating(Path socket, boolean noZeroes) {
    return negotiating(UnixDomainSocketAddress.of(socket), noZeroes);
  }

  static RawNbdClient negotiating(SocketAddress address, boolean noZeroes) {
    RawNbdClient client = connect(address);
    client.readGreeting();
    client.sendInt(noZeroes ? 3 : 1);
    return client;
  }

  /** Connects and enters transmission with NBD_OPT_GO on {@code export}. */
  static RawNbdClient transmitting(Path socket, String export, boolean structured, boolean allocation) {
    return transmitting(UnixDomainSocketAddress.of(socket), export, structured, allocation);
  }

  static RawNbdClient transmitting(SocketAddress address, String export, boolean structured, boolean allocation) {
    RawNbdClient client = negotiating(address, true);
    if (structured) {
      client.sendOption(NbdProtocol.OPT_STRUCTURED_REPLY, new byte[0]);
      assertThat(client.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ACK);
    }
    if (allocation) {
      client.sendOption(NbdProtocol.OPT_SET_META_CONTEXT, metaContextData(export, "base:allocation"));
      assertThat(client.readOptionReply().type()).isEqualTo(NbdProtocol.REP_META_CONTEXT);
      assertThat(client.readOptionReply().type()).isEqualTo(NbdProtocol.REP_ACK);
    }
    client.sendOption(NbdProtocol.OPT_GO, goData(export));
    while (true) {
      OptionReplyFrame reply = client.readOptionReply();
      if (reply.type() == NbdProtocol.REP_ACK) {
        return client;
      }
      assertThat(reply.type()).as("reply to NBD_OPT_GO").isEqualTo(NbdProtocol.REP_INFO);
    }
  }

  /** Reads the 18-byte greeting and returns the handshake flags. */
  int readGreeting() {
    ByteBuffer greeting = readExactly(18);
    assertThat(greeting.getLong()).as("NBDMAGIC").isEqualTo(0x4e42444d41474943L);
    assertThat(greeting.getLong()).as("IHAVEOPT").isEqualTo(0x49484156454F5054L);
    return greeting.getShort() & 0xffff;
  }

  void sendInt(int value) {
    send(ByteBuffer.allocate(4).putInt(value).flip());
  }

  void sendOption(int option, byte[] data) {
    send(ByteBuffer.allocate(16 + data.length).putLong(0x49484156454F5054L).putInt(option).putInt(data.length)
        .put(data).flip());
  }

  OptionReplyFrame readOptionReply() {
    ByteBuffer header = readExactly(20);
    assertThat(header.getLong()).as("option reply magic").isEqualTo(0x3e889045565a9L);
    int option = header.getInt();
    int type = header.getInt();
    int length = header.getInt();
    return new OptionReplyFrame(option, type, readExactly(length).array());
  }

  void sendRequest(int flags, int type, long cookie, long offset, long length) {
    send(requestHeader(flags, type, cookie, offset, length).flip());
  }

  void sendWrite(int flags, long cookie, long offset, byte[] data) {
    send(requestHeader(flags, NbdProtocol.CMD_WRITE, cookie, offset, data.length).flip());
    send(ByteBuffer.wrap(data));
  }

  /**
   * Reads one reply. A simple reply's data (present only for a successful read) is read when
   * {@code simpleReadLength} is positive; structured chunks carry their own length.
   */
  ReplyFrame readReply(int simpleReadLength) {
    int magic = readExactly(4).getInt();
    if (magic == NbdProtocol.SIMPLE_REPLY_MAGIC) {
      ByteBuffer header = readExactly(12);
      int error = header.getInt();
      long cookie = header.getLong();
      byte[] data = error == 0 && simpleReadLength > 0 ? readExactly(simpleReadLength).array() : new byte[0];
      return new ReplyFrame(false, error, 0, 0, cookie, data);
    }
    assertThat(magic).as("reply magic").isEqualTo(NbdProtocol.STRUCTURED_REPLY_MAGIC);
    ByteBuffer header = readExactly(16);
    int flags = header.getShort() & 0xffff;
    int type = header.getShort() & 0xffff;
    long cookie = header.getLong();
    int length = header.getInt();
    return new ReplyFrame(true, 0, flags, type, cookie, readExactly(length).array());
  }

  void send(ByteBuffer bytes) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try {
      while (bytes.hasRemaining()) {
        if (channel.write(bytes) == 0) {
          awaitWritable(deadline, bytes);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("send failed", e);
    }
  }

  /** Half-closes: no more bytes from us, as libnbd does after NBD_CMD_DISC; replies may still come. */
  void shutdownOutput() {
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      throw new UncheckedIOException("shutdown failed", e);
    }
  }

  ByteBuffer readExactly(int length) {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try {
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer);
        if (n < 0) {
          throw new AssertionError(
              "server closed the connection after " + buffer.position() + " of " + length + " bytes");
        }
        if (n == 0) {
          awaitReadable(deadline, () -> "waiting for " + length + " bytes, got " + buffer.position());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("read failed", e);
    }
    return buffer.flip();
  }

  /** Waits until the server closes the connection; any bytes still arriving are returned. */
  byte[] readUntilClosed() {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try {
      while (true) {
        if (!buffer.hasRemaining()) {
          throw new AssertionError("server keeps sending instead of closing");
        }
        int n = channel.read(buffer);
        if (n < 0) {
          break;
        }
        if (n == 0) {
          awaitReadable(deadline, () -> "the server to close the connection");
        }
      }
    } catch (IOException e) {
      // A reset is a close too.
    }
    byte[] rest = new byte[buffer.flip().remaining()];
    buffer.get(rest);
    return rest;
  }

  private void awaitWritable(long deadline, ByteBuffer bytes) throws IOException {
    long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
    if (remainingMillis <= 0 || writable.select(remainingMillis) == 0 && System.nanoTime() > deadline) {
      throw new AssertionError("server stopped reading; " + bytes.remaining() + " bytes unsent after " + TIMEOUT);
    }
    writable.selectedKeys().clear();
  }

  private void awaitReadable(long deadline, Supplier<String> what) throws IOException {
    long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
    if (remainingMillis <= 0 || readable.select(remainingMillis) == 0 && System.nanoTime() > deadline) {
      throw new AssertionError("timed out after " + TIMEOUT + " " + what.get());
    }
    readable.selectedKeys().clear();
  }

  static ByteBuffer requestHeader(int flags, int type, long cookie, long offset, long length) {
    return ByteBuffer.allocate(28).putInt(NbdProtocol.REQUEST_MAGIC).putShort((short) flags).putShort((short) type)
        .putLong(cookie).putLong(offset).putInt((int) length);
  }

  static byte[] goData(String export, int... infos) {
    byte[] name = export.getBytes(StandardCharsets.UTF_8);
    ByteBuffer data = ByteBuffer.allocate(4 + name.length + 2 + 2 * infos.length).putInt(name.length).put(name)
        .putShort((short) infos.length);
    for (int info : infos) {
      data.putShort((short) info);
    }
    return data.array();
  }

  static byte[] metaContextData(String export, String... queries) {
    byte[] name = export.getBytes(StandardCharsets.UTF_8);
    int length = 4 + name.length + 4;
    for (String q : queries) {
      length += 4 + q.getBytes(StandardCharsets.UTF_8).length;
    }
    ByteBuffer data = ByteBuffer.allocate(length).putInt(name.length).put(name).putInt(queries.length);
    for (String q : queries) {
      byte[] bytes = q.getBytes(StandardCharsets.UTF_8);
      data.putInt(bytes.length).put(bytes);
    }
    return data.array();
  }

  @Override
  public void close() {
    try {
      readable.close();
      writable.close();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("close failed", e);
    }
  }
}

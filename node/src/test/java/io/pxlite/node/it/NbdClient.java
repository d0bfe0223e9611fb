package io.pxlite.node.it;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small NBD client for tests that must see each reply itself (which write was acknowledged, which
 * read failed with which error): fixed-newstyle handshake with NBD_OPT_GO, simple replies, many
 * requests in flight. Independent of the server's code: written from the protocol document.
 */
public final class NbdClient implements AutoCloseable {
  private static final long NBDMAGIC = 0x4e42444d41474943L;
  private static final long IHAVEOPT = 0x49484156454F5054L;
  private static final long OPT_REPLY_MAGIC = 0x3e889045565a9L;
  private static final int REQUEST_MAGIC = 0x25609513;
  private static final int SIMPLE_REPLY_MAGIC = 0x67446698;
  private static final int OPT_GO = 7;
  private static final int REP_ACK = 1;
  private static final int REP_INFO = 3;
  static final short CMD_READ = 0;
  static final short CMD_WRITE = 1;
  static final short CMD_DISC = 2;
  static final short CMD_FLUSH = 3;

  /** A failed request: the NBD error number the server replied with. */
  public static final class NbdReplyError extends IOException {
    public final int errno;

    NbdReplyError(int errno, String what) {
      super(what + " failed with NBD error " + errno);
      this.errno = errno;
    }
  }

  private final SocketChannel channel;
  private final long size;
  private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1);
  private final Thread reader;
  private volatile IOException broken;

  private record Pending(short type, ByteBuffer readInto, CompletableFuture<ByteBuffer> done) {}

  private NbdClient(SocketChannel channel, long size) {
    this.channel = channel;
    this.size = size;
    this.reader = new Thread(this::readReplies, "nbd-test-client-reader");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  public static NbdClient connect(Path socket, String export) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(socket));
    ByteBuffer hello = readFully(ch, 18);
    if (hello.getLong() != NBDMAGIC || hello.getLong() != IHAVEOPT) {
      throw new IOException("not an NBD fixed-newstyle server");
    }
    hello.getShort();
    writeFully(ch, ByteBuffer.allocate(4).putInt(1 | 2).flip()); // FIXED_NEWSTYLE | NO_ZEROES
    byte[] name = export.getBytes(StandardCharsets.UTF_8);
    ByteBuffer opt = ByteBuffer.allocate(16 + 4 + name.length + 2);
    opt.putLong(IHAVEOPT).putInt(OPT_GO).putInt(4 + name.length + 2).putInt(name.length).put(name).putShort((short) 0).flip();
    writeFully(ch, opt);
    long size = -1;
    while (true) {
      ByteBuffer h = readFully(ch, 20);
      if (h.getLong() != OPT_REPLY_MAGIC) {
        throw new IOException("bad option reply magic");
      }
      h.getInt();
      int type = h.getInt();
      int len = h.getInt();
      ByteBuffer body = readFully(ch, len);
      if (type == REP_INFO && len >= 12 && body.getShort(0) == 0) {
        size = body.getLong(2);
      } else if (type == REP_ACK) {
        break;
      } else if (type < 0) {
        throw new IOException("export '" + export + "' refused: option reply " + Integer.toUnsignedString(type)
            + " " + StandardCharsets.UTF_8.decode(body));
      }
    }
    return new NbdClient(ch, size);
  }

  /** True once the connection failed; every later request fails at once. */
  public boolean isBroken() {
    return broken != null;
  }

  public long size() {
    return size;
  }

  public CompletableFuture<ByteBuffer> write(long offset, ByteBuffer data) {
    return send(CMD_WRITE, offset, data.remaining(), data, null);
  }

  public CompletableFuture<ByteBuffer> read(long offset, int length) {
    return send(CMD_READ, offset, length, null, ByteBuffer.allocate(length));
  }

  public CompletableFuture<ByteBuffer> flush() {
    return send(CMD_FLUSH, 0, 0, null, null);
  }

  private synchronized CompletableFuture<ByteBuffer> send(short type, long offset, int length, ByteBuffer data, ByteBuffer into) {
    CompletableFuture<ByteBuffer> done = new CompletableFuture<>();
    if (broken != null) {
      done.completeExceptionally(broken);
      return done;
    }
    long handle = nextHandle.getAndIncrement();
    pending.put(handle, new Pending(type, into, done));
    ByteBuffer req = ByteBuffer.allocate(28);
    req.putInt(REQUEST_MAGIC).putShort((short) 0).putShort(type).putLong(handle).putLong(offset).putInt(length).flip();
    try {
      writeFully(channel, req);
      if (data != null) {
        writeFully(channel, data.duplicate());
      }
    } catch (IOException e) {
      pending.remove(handle);
      done.completeExceptionally(e);
    }
    return done;
  }

  private void readReplies() {
    try {
      while (true) {
        ByteBuffer h = readFully(channel, 16);
        if (h.getInt() != SIMPLE_REPLY_MAGIC) {
          throw new IOException("bad reply magic");
        }
        int error = h.getInt();
        long handle = h.getLong();
        Pending p = pending.remove(handle);
        if (p == null) {
          throw new IOException("reply for unknown handle " + handle);
        }
        if (error != 0) {
          p.done().completeExceptionally(new NbdReplyError(error, "request " + handle));
          continue;
        }
        if (p.type() == CMD_READ) {
          while (p.readInto().hasRemaining()) {
            if (channel.read(p.readInto()) < 0) {
              throw new EOFException("connection closed mid-read");
            }
          }
          p.done().complete(p.readInto().flip());
        } else {
          p.done().complete(null);
        }
      }
    } catch (IOException e) {
      broken = e;
      pending.values().forEach(p -> p.done().completeExceptionally(e));
      pending.clear();
    }
  }

  private static ByteBuffer readFully(SocketChannel ch, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new EOFException("connection closed");
      }
    }
    return b.flip();
  }

  private static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (broken == null) {
        send(CMD_DISC, 0, 0, null, null);
      }
    } finally {
      channel.close();
    }
  }
}

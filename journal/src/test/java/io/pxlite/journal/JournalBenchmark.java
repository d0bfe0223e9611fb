package io.pxlite.journal;

import io.pxlite.journal.event.EventOutcome;
import io.pxlite.journal.event.VolumeEvent;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * Not a test: how many 4 KiB events per second a one-peer replica group commits at a given queue
 * depth, with a state machine that does nothing. Isolates the Raft log from the store and from NBD.
 * Run: {@code mvn -pl journal test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt}, then
 * {@code java -cp journal/target/classes:journal/target/test-classes:$(cat journal/cp.txt)
 * io.pxlite.journal.JournalBenchmark [queueDepth] [seconds]};
 * -Dbench.bytes=N event size (default 4096), -Dbench.warmup=S uncounted warm-up seconds (default 5).
 */
public final class JournalBenchmark {
  /** The peer address must be known before the server starts, so the port is fixed. */
  private static final int PORT = Integer.getInteger("bench.port", 19902);

  public static void main(String[] args) throws Exception {
    int depth = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path dir = Files.createTempDirectory("journal-bench");
    try (JournalServer server = JournalServer.start("bench", new InetSocketAddress("127.0.0.1", PORT),
        dir, gid -> new BaseStateMachine() {
          @Override
          public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
            updateLastAppliedTermIndex(trx.getLogEntry().getTerm(), trx.getLogEntry().getIndex());
            return CompletableFuture.completedFuture(Message.valueOf(EventOutcome.ok().encode()));
          }
        })) {
      GroupLog log = server.join(ReplicaGroup.newGroup(List.of(new ReplicaPeer("bench", "127.0.0.1:" + PORT))));
      ByteBuffer data = ByteBuffer.allocate(Integer.getInteger("bench.bytes", 4096));
      log.submit(new VolumeEvent.Write(1, 0, data)).get(30, TimeUnit.SECONDS);
      // Warm up first (not counted): on 2 cores the JIT compilers otherwise compete with the log
      // for most of a short run.
      run(log, data, depth, Integer.getInteger("bench.warmup", 5));
      long[] result = run(log, data, depth, seconds);
      System.out.printf("queue depth %d, %d-byte events: %.0f events/s, %.1f MB/s, mean round trip %.2f ms%n",
          depth, data.remaining(), result[0] / (double) seconds, result[0] * (double) data.remaining() / seconds / 1e6,
          result[1] / 1e6 / Math.max(1, result[0]));
    }
  }

  /** Submits events at {@code depth} for {@code seconds}; returns {events, summed round-trip ns}. */
  private static long[] run(GroupLog log, ByteBuffer data, int depth, int seconds) throws InterruptedException {
    Semaphore slots = new Semaphore(depth);
    LongAdder latency = new LongAdder();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long n = 0;
    while (System.nanoTime() < end) {
      slots.acquire();
      long start = System.nanoTime();
      log.submit(new VolumeEvent.Write(1, (n % 1000) * 4096, data)).whenComplete((o, e) -> {
        latency.add(System.nanoTime() - start);
        slots.release();
      });
      n++;
    }
    slots.acquire(depth);
    return new long[] {n, latency.sum()};
  }
}

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
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;

/**
 * Not a test: how many 4 KiB events per second a one-peer replica group commits at a given queue
 * depth, with a state machine that does nothing. Isolates the Raft log from the store and from NBD.
 * Run: mvn -pl journal test-compile exec... or from an IDE; args: [queueDepth] [seconds].
 */
public final class JournalBenchmark {
  public static void main(String[] args) throws Exception {
    int depth = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Path dir = Files.createTempDirectory("journal-bench");
    try (JournalServer server = JournalServer.start("bench", new InetSocketAddress("127.0.0.1", 0 == 0 ? 19902 : 0),
        dir, gid -> new BaseStateMachine() {
          @Override
          public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
            updateLastAppliedTermIndex(trx.getLogEntry().getTerm(), trx.getLogEntry().getIndex());
            return CompletableFuture.completedFuture(Message.valueOf(EventOutcome.ok().encode()));
          }
        })) {
      GroupLog log = server.join(ReplicaGroup.of(List.of(new ReplicaPeer("bench", "127.0.0.1:19902"))));
      ByteBuffer data = ByteBuffer.allocate(Integer.getInteger("bench.bytes", 4096));
      log.submit(new VolumeEvent.Write(1, 0, data)).get(30, TimeUnit.SECONDS);
      Semaphore slots = new Semaphore(depth);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long n = 0;
      while (System.nanoTime() < end) {
        slots.acquire();
        log.submit(new VolumeEvent.Write(1, (n % 1000) * 4096, data)).whenComplete((o, e) -> slots.release());
        n++;
      }
      slots.acquire(depth);
      System.out.printf("queue depth %d: %.0f events/s%n", depth, n / (double) seconds);
    }
  }
}

package io.pxlite.node.kvdb;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A deadline-bound key-value view of etcd: each call either answers within {@link #DEADLINE} or
 * fails with {@link KvdbUnavailableException} naming the endpoints. jetcd retries on its own for a
 * long time; the deadline keeps management calls from hanging while etcd is away.
 */
public final class Kvdb implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(3);

  private final Client client;
  private final String endpoints;

  public Kvdb(List<URI> endpoints) {
    this.endpoints = endpoints.stream().map(URI::toString).collect(Collectors.joining(","));
    this.client = Client.builder()
        .endpoints(endpoints.toArray(URI[]::new))
        .connectTimeout(Duration.ofSeconds(2))
        .retryMaxDuration(DEADLINE)
        .waitForReady(false)
        .build();
  }

  public String endpoints() {
    return endpoints;
  }

  public Optional<String> get(String key) {
    List<KeyValue> kvs = await(client.getKVClient().get(bytes(key)), "read " + key).getKvs();
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
  }

  /** Values of every key under {@code prefix}, in key order. */
  public List<String> list(String prefix) {
    GetOption byPrefix = GetOption.builder().isPrefix(true).build();
    return await(client.getKVClient().get(bytes(prefix), byPrefix), "list " + prefix).getKvs().stream()
        .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8))
        .toList();
  }

  public void put(String key, String value) {
    await(client.getKVClient().put(bytes(key), bytes(value)), "write " + key);
  }

  public void putWithLease(String key, String value, long leaseId) {
    PutOption withLease = PutOption.builder().withLeaseId(leaseId).build();
    await(client.getKVClient().put(bytes(key), bytes(value), withLease), "write " + key);
  }

  /** Writes {@code key} only if neither it nor any of {@code mustBeAbsent} exists; true if written. */
  public boolean putIfAbsent(String key, String value, List<String> mustBeAbsent) {
    var txn = client.getKVClient().txn();
    Cmp[] conditions = java.util.stream.Stream.concat(java.util.stream.Stream.of(key), mustBeAbsent.stream())
        .map(k -> new Cmp(bytes(k), Cmp.Op.EQUAL, CmpTarget.version(0)))
        .toArray(Cmp[]::new);
    return await(txn.If(conditions).Then(Op.put(bytes(key), bytes(value), PutOption.DEFAULT)).commit(),
        "create " + key).isSucceeded();
  }

  public void delete(String key) {
    await(client.getKVClient().delete(bytes(key), DeleteOption.DEFAULT), "delete " + key);
  }

  public long grantLease(long ttlSeconds) {
    return await(client.getLeaseClient().grant(ttlSeconds), "grant a lease").getID();
  }

  /** Renews a lease once; false if etcd no longer knows it (expired while we were away). */
  public boolean renewLease(long leaseId) {
    try {
      return await(client.getLeaseClient().keepAliveOnce(leaseId), "renew lease").getTTL() > 0;
    } catch (KvdbUnavailableException e) {
      // gRPC says NOT_FOUND, jetcd's own exception "requested lease not found": either means expired.
      String cause = String.valueOf(e.getCause()).toLowerCase(java.util.Locale.ROOT);
      if (cause.contains("not_found") || cause.contains("lease not found")) {
        return false;
      }
      throw e;
    }
  }

  private <T> T await(CompletableFuture<T> call, String what) {
    try {
      return call.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new KvdbUnavailableException("kvdb unreachable at " + endpoints + ": no answer to '" + what
          + "' within " + DEADLINE.toSeconds() + "s", e);
    } catch (ExecutionException e) {
      throw new KvdbUnavailableException("kvdb unreachable at " + endpoints + ": '" + what + "' failed: "
          + rootMessage(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KvdbUnavailableException("interrupted while waiting for the kvdb at " + endpoints, e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    client.close();
  }
}

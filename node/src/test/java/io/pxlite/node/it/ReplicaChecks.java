package io.pxlite.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** What the replication ITs ask of a cluster: create a volume, wait for its replicas, compare them. */
final class ReplicaChecks {
  static final Duration CATCH_UP = Duration.ofSeconds(120);

  private ReplicaChecks() {}

  static JsonNode create(NodeProcess via, String name, String size, int repl) {
    NodeProcess.Reply reply = via.api("POST", "/v1/volumes", Map.of("name", name, "size", size, "repl", repl));
    assertThat(reply.status()).as("create %s: %s", name, reply.body()).isEqualTo(201);
    return reply.body();
  }

  /** Creates a volume through {@code via}, waits until every replica is in sync; returns its replicas' node ids. */
  static List<String> createInSync(NodeProcess via, String name, String size, int repl) {
    JsonNode created = create(via, name, size, repl);
    awaitInSync(via, name);
    return texts(created.get("replicas"));
  }

  static void awaitInSync(NodeProcess via, String volume) {
    AtomicReference<String> lastSeen = new AtomicReference<>();
    try {
      Poll.until(CATCH_UP, "every replica of " + volume + " in sync", () -> {
        NodeProcess.Reply r = via.api("GET", "/v1/volumes/" + volume, null);
        if (r.status() != 200) {
          lastSeen.set(r.status() + " " + r.body());
          return false;
        }
        lastSeen.set(String.valueOf(r.body().get("replica_states")));
        for (JsonNode s : r.body().get("replica_states")) {
          if (!s.get("state").asText().equals("in sync")) {
            return false;
          }
        }
        return true;
      });
    } catch (AssertionError e) {
      // Say how far each replica got, so a failure tells a stuck replica from a slow one.
      throw new AssertionError(e.getMessage() + "; last seen through " + via.nodeId() + ": " + lastSeen.get(), e);
    }
  }

  /** Every node reads the volume (replicas from their own store, others through the group): all byte-identical. */
  static void assertReplicasIdentical(LocalCluster cluster, String volume, long size) {
    List<String> sums = new ArrayList<>();
    for (NodeProcess n : cluster.nodes) {
      sums.add(sha256Prefix(n, volume, size));
    }
    assertThat(new HashSet<>(sums)).as("sha256 of %s on each node: %s", volume, sums).hasSize(1);
  }

  static String sha256Prefix(NodeProcess n, String volume, long bytes) {
    Cmd.Result r = Cmd.run(Duration.ofMinutes(2), "sh", "-c",
        "nbdcopy '" + n.nbdUri(volume) + "' - | head -c " + bytes + " | sha256sum");
    r.ok();
    return r.output().substring(0, 64);
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }
}

package io.pxlite.node.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.api.ApiException;
import io.pxlite.node.kvdb.NodeRecord;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a new volume's replicas and witness go. */
class PlacementTest {
  private static final long GIB = 1L << 30;
  /** Free space: d has the most, then c, b, a; a's pool is only 2 GiB. */
  private static final List<NodeRecord> NODES =
      List.of(node("a", 2, 1), node("b", 100, 20), node("c", 100, 30), node("d", 100, 40));
  private static final Set<String> ALL = Set.of("a", "b", "c", "d");

  private static NodeRecord node(String id, long capacityGib, long freeGib) {
    return new NodeRecord(id, "127.0.0.1", "127.0.0.1", 9001, "127.0.0.1:9002", 2, 0, 0, capacityGib * GIB,
        freeGib * GIB, List.of(), "now");
  }

  @Test
  void replicasGoWhereThereIsMostFreeSpaceAndTwoGetAWitness() {
    Placement.Chosen two = Placement.choose(NODES, ALL::contains, 2, GIB, List.of(), "c1");
    assertThat(two.replicas()).containsExactly("d", "c");
    assertThat(two.witness()).isEqualTo("a");
  }

  @Test
  void namedNodesGetReplicasFirstInTheirOrderAndPolicyFillsTheRest() {
    assertThat(Placement.choose(NODES, ALL::contains, 2, GIB, List.of("a", "b"), "c1").replicas())
        .containsExactly("a", "b");
    Placement.Chosen three = Placement.choose(NODES, ALL::contains, 3, GIB, List.of("b"), "c1");
    assertThat(three.replicas()).containsExactly("b", "d", "c");
    assertThat(three.witness()).isNull();
  }

  @Test
  void aNamedNodeThatCannotTakeTheReplicaIsRefusedByName() {
    assertThatThrownBy(() -> Placement.choose(NODES, ALL::contains, 1, GIB, List.of("x"), "c1"))
        .isInstanceOf(ApiException.class).hasMessage("invalid option 'nodes': no node x in cluster c1");
    assertThatThrownBy(() -> Placement.choose(NODES, Set.of("a", "b", "c")::contains, 1, GIB, List.of("d"), "c1"))
        .isInstanceOf(ApiException.class).hasMessage("invalid option 'nodes': node d is offline");
    assertThatThrownBy(() -> Placement.choose(NODES, ALL::contains, 1, 4 * GIB, List.of("a"), "c1"))
        .isInstanceOf(ApiException.class).hasMessageStartingWith("invalid option 'nodes': node a has a pool of 2 GiB");
  }

  @Test
  void aNodeWhoseStoreFailedGetsNoReplicaAndNamingItSaysWhy() {
    NodeRecord failed = new NodeRecord("d", "127.0.0.1", "127.0.0.1", 9001, "127.0.0.1:9002", 2, 0, 0, 100 * GIB,
        40 * GIB, List.of(), "now", "device /dev/sdb (d1) failed");
    List<NodeRecord> nodes = List.of(NODES.get(0), NODES.get(1), NODES.get(2), failed);
    assertThat(Placement.choose(nodes, ALL::contains, 2, GIB, List.of(), "c1").replicas())
        .as("d has the most free space, but its store failed").containsExactly("c", "b");
    assertThatThrownBy(() -> Placement.choose(nodes, ALL::contains, 1, GIB, List.of("d"), "c1"))
        .isInstanceOf(ApiException.class)
        .hasMessage("invalid option 'nodes': node d cannot take a replica: device /dev/sdb (d1) failed");
  }
}

package io.pxlite.node.volume.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pxlite.api.ApiException;
import io.pxlite.node.kvdb.NodeRecord;
import io.pxlite.node.kvdb.VolumeRecord;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where ha-update puts and takes replicas. */
class ReplicaSetChangeTest {
  private static final long GIB = 1L << 30;
  /** Free space: d has the most, then c, b, a. */
  private static final List<NodeRecord> NODES = List.of(node("a", 10), node("b", 20), node("c", 30), node("d", 40));

  private static NodeRecord node(String id, long freeGib) {
    return new NodeRecord(id, "127.0.0.1", "127.0.0.1", 9001, "127.0.0.1:9002", 2, 0, 0, 100 * GIB, freeGib * GIB,
        List.of(), "now");
  }

  private static VolumeRecord volume(List<String> replicas, String witness) {
    return new VolumeRecord("1", "v", GIB, replicas.size(), "ext4", 4096, "low", 0, Map.of(), "now", "g", replicas,
        witness, null, null);
  }

  private static ReplicaSetChange.Plan plan(VolumeRecord v, int repl, Set<String> online) {
    return ReplicaSetChange.plan(v, repl, NODES, online::contains, null, null, "c1");
  }

  @Test
  void addingAReplicaPicksTheOnlineNodeWithTheMostFreeSpaceAndATwoReplicaVolumeGetsAWitness() {
    ReplicaSetChange.Plan p = plan(volume(List.of("a"), null), 2, Set.of("a", "b", "c", "d"));
    assertThat(p.replicas()).containsExactly("a", "d");
    assertThat(p.witness()).isEqualTo("b");
  }

  @Test
  void theWitnessBecomesAReplicaOnlyWhenNoOtherNodeWill() {
    VolumeRecord pair = volume(List.of("a", "b"), "d");
    assertThat(plan(pair, 3, Set.of("a", "b", "c", "d")).replicas()).containsExactly("a", "b", "c");
    ReplicaSetChange.Plan three = plan(pair, 3, Set.of("a", "b", "d"));
    assertThat(three.replicas()).containsExactly("a", "b", "d");
    assertThat(three.witness()).isNull();
  }

  @Test
  void removingAReplicaTakesAnOfflineOneFirstThenTheFullest() {
    VolumeRecord three = volume(List.of("a", "b", "c"), null);
    ReplicaSetChange.Plan p = plan(three, 2, Set.of("a", "b", "c", "d"));
    assertThat(p.replicas()).containsExactly("b", "c");
    assertThat(p.witness()).as("a third online node keeps the log").isEqualTo("a");
    assertThat(plan(three, 2, Set.of("a", "b", "d")).replicas()).as("c is down").containsExactly("a", "b");
    ReplicaSetChange.Plan one = plan(three, 1, Set.of("a", "b", "c", "d"));
    assertThat(one.replicas()).containsExactly("c");
    assertThat(one.witness()).isNull();
    assertThat(ReplicaSetChange.plan(three, 1, NODES, Set.of("a", "b", "c", "d")::contains, "a", null, "c1").replicas())
        .as("the node the volume is attached on goes last").containsExactly("a");
  }

  @Test
  void aChosenNodeGetsTheNewReplicaOrLosesItsOwnFirst() {
    Set<String> all = Set.of("a", "b", "c", "d");
    ReplicaSetChange.Plan added = ReplicaSetChange.plan(volume(List.of("a"), null), 2, NODES, all::contains, null, "b",
        "c1");
    assertThat(added.replicas()).as("b, though d has more free space").containsExactly("a", "b");
    VolumeRecord three = volume(List.of("a", "b", "c"), null);
    assertThat(ReplicaSetChange.plan(three, 2, NODES, all::contains, null, "c", "c1").replicas())
        .as("c, though a is the fullest").containsExactly("a", "b");
    assertThat(ReplicaSetChange.plan(three, 2, NODES, all::contains, "c", "c", "c1").replicas())
        .as("even where the volume is attached").containsExactly("a", "b");
  }

  @Test
  void aChosenNodeThatCannotTakeOrHasNoReplicaIsRefusedByName() {
    Set<String> abc = Set.of("a", "b", "c");
    VolumeRecord one = volume(List.of("a"), null);
    assertThatThrownBy(() -> ReplicaSetChange.plan(one, 2, NODES, abc::contains, null, "d", "c1"))
        .isInstanceOf(ApiException.class).hasMessage("invalid option 'node': d is offline");
    assertThatThrownBy(() -> ReplicaSetChange.plan(one, 2, NODES, abc::contains, null, "x", "c1"))
        .isInstanceOf(ApiException.class).hasMessage("invalid option 'node': no node x in the cluster");
    assertThatThrownBy(() -> ReplicaSetChange.plan(one, 2, NODES, abc::contains, null, "a", "c1"))
        .isInstanceOf(ApiException.class).hasMessage("invalid option 'node': a already holds a replica of v");
    assertThatThrownBy(() -> ReplicaSetChange.plan(volume(List.of("a", "b"), "c"), 1, NODES, abc::contains, null, "c",
        "c1")).isInstanceOf(ApiException.class).hasMessage("invalid option 'node': c holds no replica of v (replicas [a, b])");
    assertThatThrownBy(() -> ReplicaSetChange.plan(one, 1, NODES, abc::contains, null, "b", "c1"))
        .isInstanceOf(ApiException.class).hasMessage("invalid option 'node': volume v already has 1 replica(s); name a node only to add a replica"
            + " there (repl 2)");
  }

  @Test
  void moreReplicasThanOnlineNodesOrNoneAtAllAreRefused() {
    assertThatThrownBy(() -> plan(volume(List.of("a"), null), 4, Set.of("a", "b", "c")))
        .isInstanceOf(ApiException.class).hasMessageContaining("repl 4 needs 4 nodes").hasMessageContaining("3 online");
    assertThatThrownBy(() -> plan(volume(List.of("a"), null), 0, Set.of("a")))
        .isInstanceOf(ApiException.class).hasMessageContaining("invalid option 'repl': 0");
  }

  @Test
  void aRecordFollowsTheGroupsActualMembersKeepingItsOrder() {
    VolumeRecord stale = volume(List.of("c", "a"), "b");
    List<io.pxlite.journal.ReplicaPeer> actual = List.of(new io.pxlite.journal.ReplicaPeer("a", "127.0.0.1:1"),
        new io.pxlite.journal.ReplicaPeer("d", "127.0.0.4:1"), new io.pxlite.journal.ReplicaPeer("c", "127.0.0.3:1"));
    ReplicaSetChange.Plan members = ReplicaSetChange.membersOf(stale, actual);
    assertThat(members.replicas()).as("kept in the record's order, the new one after").containsExactly("c", "a", "d");
    assertThat(members.witness()).as("the group has no witness any more").isNull();

    ReplicaSetChange.Plan pair = ReplicaSetChange.membersOf(volume(List.of("a", "b", "c"), null),
        List.of(new io.pxlite.journal.ReplicaPeer("b", "x:1"), new io.pxlite.journal.ReplicaPeer("a", "x:2").asWitness(),
            new io.pxlite.journal.ReplicaPeer("c", "x:3")));
    assertThat(pair.replicas()).containsExactly("b", "c");
    assertThat(pair.witness()).isEqualTo("a");
  }

  @Test
  void aReplicaOnANodeWhoseStoreFailedIsRemovedFirstAndNoneIsAddedThere() {
    NodeRecord failed = new NodeRecord("d", "127.0.0.1", "127.0.0.1", 9001, "127.0.0.1:9002", 2, 0, 0, 100 * GIB,
        40 * GIB, List.of(), "now", "device /dev/sdb (d1) failed");
    List<NodeRecord> nodes = List.of(NODES.get(0), NODES.get(1), NODES.get(2), failed);
    Set<String> all = Set.of("a", "b", "c", "d");
    ReplicaSetChange.Plan removed = ReplicaSetChange.plan(volume(List.of("a", "b", "d"), null), 2, nodes, all::contains,
        null, null, "c1");
    assertThat(removed.replicas()).as("d's store failed, though a is fuller").containsExactly("a", "b");
    ReplicaSetChange.Plan added = ReplicaSetChange.plan(volume(List.of("a"), null), 2, nodes, all::contains, null, null,
        "c1");
    assertThat(added.replicas()).as("c, since d's store failed").containsExactly("a", "c");
  }
}

package io.pxlite.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeConfigLoaderTest {
  private static final Path BASE = Path.of("/etc/pwx");
  private final NodeConfigLoader loader = new NodeConfigLoader();

  private NodeConfig parse(String json) {
    return loader.parse(json, BASE);
  }

  @Test
  void pxLiteShapeWithOneKvdbStringAndDefaults() {
    NodeConfig c = parse("""
        {"clusterid": "5ac2ed6f", "kvdb": "etcd:http://127.0.0.1:2379", "storage": {"devices": ["/dev/xvdb"]}}""");
    assertThat(c.clusterId()).isEqualTo("5ac2ed6f");
    assertThat(c.kvdbEndpoints()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(c.devices()).containsExactly(Path.of("/dev/xvdb"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/pxlite"));
    assertThat(c.apiSocket()).isEqualTo(Path.of("/var/lib/pxlite/api.sock"));
    assertThat(c.nbdSocket()).isEqualTo(Path.of("/var/lib/pxlite/nbd.sock"));
    assertThat(c.mgmtPort()).isEqualTo(9001);
    assertThat(c.nbdPort()).isEmpty();
    assertThat(c.mgmtIp()).isEqualTo("127.0.0.1");
  }

  @Test
  void laterPxShapeWithKvdbListAndExplicitAddresses() {
    NodeConfig c = parse("""
        {"clusterid": "c1", "kvdb": ["etcd:http://127.0.0.1:2379", "http://127.0.0.2:2379"],
         "mgmtip": "127.0.0.2", "dataip": "127.0.0.2", "datadir": "data",
         "storage": {"devices": ["d0.img", "d1.img"], "device_size": "16G"},
         "listeners": {"mgmt_port": 9101, "raft_port": 9102, "nbd_port": 10809}}""");
    assertThat(c.kvdbEndpoints()).hasSize(2);
    assertThat(c.dataDir()).isEqualTo(BASE.resolve("data"));
    assertThat(c.devices()).containsExactly(BASE.resolve("d0.img"), BASE.resolve("d1.img"));
    assertThat(c.deviceSizeBytes()).isEqualTo(16L << 30);
    assertThat(c.nbdPort()).contains(10809);
    assertThat(c.dataIp()).isEqualTo("127.0.0.2");
  }

  @Test
  void loopbackInterfaceNameResolvesToItsAddress() {
    NodeConfig c = parse("""
        {"clusterid": "c1", "kvdb": "http://127.0.0.1:2379", "mgtiface": "lo", "storage": {"devices": ["/d"]}}""");
    assertThat(c.mgmtIp()).isEqualTo("127.0.0.1");
  }

  @Test
  void everyErrorNamesItsField() {
    List<String[]> cases = List.of(
        new String[] {"{", "not valid JSON"},
        new String[] {"[]", "must be a JSON object"},
        new String[] {"{\"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\"]}}", "'clusterid': required"},
        new String[] {"{\"clusterid\": \"a b\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\"]}}", "'clusterid'"},
        new String[] {"{\"clusterid\": \"c\", \"storage\": {\"devices\": [\"/d\"]}}", "'kvdb': required"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": [], \"storage\": {\"devices\": [\"/d\"]}}", "'kvdb': the list is empty"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": [\"ftp://h:1\"], \"storage\": {\"devices\": [\"/d\"]}}", "'kvdb[0]'"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h\", \"storage\": {\"devices\": [\"/d\"]}}", "must name a host and a port"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\"}", "'storage': required"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": []}}", "'storage.devices'"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\", \"/d\"]}}", "'storage.devices[1]': /d is listed twice"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\"], \"device_size\": \"lots\"}}", "'storage.device_size'"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\"]}, \"mgtiface\": \"nosuch0\"}", "'mgtiface': no network interface named 'nosuch0'"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\"]}, \"mgmtip\": \"host.example\"}", "'mgmtip'"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\"]}, \"listeners\": {\"mgmt_port\": 70000}}", "'listeners.mgmt_port'"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\"]}, \"colour\": 1}", "'colour': unknown field"},
        new String[] {"{\"clusterid\": \"c\", \"kvdb\": \"http://h:1\", \"storage\": {\"devices\": [\"/d\"]}, \"cafile\": \"/x\"}", "'cafile': TLS"});
    for (String[] c : cases) {
      assertThatThrownBy(() -> parse(c[0])).as(c[0]).isInstanceOf(ConfigException.class).hasMessageContaining(c[1]);
    }
  }
}

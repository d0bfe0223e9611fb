package io.pxlite.pxctl;

/**
 * Replies shaped like the server's records in io.pxlite.api (snake_case JSON), written out by hand:
 * pxctl must work from the JSON alone, so its tests do too.
 */
final class CannedBodies {
  private CannedBodies() {}

  static final String NODE_1 = """
      {"id":"node-1","mgmt_ip":"10.0.0.1","data_ip":"10.0.1.1","status":"online","cpus":8,
       "mem_total_bytes":17179869184,"mem_free_bytes":8589934592,
       "capacity_bytes":107374182400,"free_bytes":96636764160,"volumes":2,
       "devices":[{"id":"node-1:0","path":"/dev/sdb","capacity_bytes":107374182400,"used_bytes":10737418240}]}
      """;

  static final String NODE_2 = """
      {"id":"node-2","mgmt_ip":"10.0.0.2","data_ip":"10.0.0.2","status":"offline","cpus":4,
       "mem_total_bytes":8589934592,"mem_free_bytes":1610612736,
       "capacity_bytes":53687091200,"free_bytes":53687091200,"volumes":0,"devices":[]}
      """;

  static final String NODES = "[" + NODE_1 + "," + NODE_2 + "]";

  static final String STATUS = """
      {"cluster_id":"cluster-a","node":%s,"nodes_total":2,"nodes_online":1,
       "cluster_capacity_bytes":161061273600,"cluster_free_bytes":150323855360,
       "kvdb_endpoints":["etcd:http://127.0.0.1:2379","etcd:http://127.0.0.2:2379"],
       "kvdb_reachable":true,"health":"healthy"}
      """.formatted(NODE_1);

  static final String VOLUME_DB = """
      {"id":"vol-1","name":"db","size_bytes":10737418240,"repl":2,"fs":"ext4","block_size":4096,
       "io_priority":"high","snap_interval":30,"snap_schedules":["periodic 30,5","daily 02:00,7"],
       "labels":{"app":"pg","tier":"data"},
       "io_limits":{"read_iops":0,"write_iops":500,"read_bytes_per_second":0,"write_bytes_per_second":8388608},
       "ctime":"2026-01-01T00:00:00Z","state":"attached","status":"up","used_bytes":1610612736,
       "snapshot_bytes":0,"replica_group":"rg-1","replicas":["node-1","node-2"],
       "attached_on":"node-1","nbd_uri":"nbd://10.0.1.1:10809/vol-1","checksum_errors":0,
       "device_path":"/dev/nbd0","attach_path":["/mnt/db","/var/lib/osd/mounts/db"],"group_leader":"node-1",
       "replica_states":[{"node":"node-1","state":"in sync","log_index":40,"commit_index":40},
                         {"node":"node-2","state":"catching up","log_index":12,"commit_index":40},
                         {"node":"node-3","state":"rebuilding","log_index":-1,"commit_index":40,
                          "rebuild_copied_bytes":536870912,"rebuild_total_bytes":2147483648}]}
      """;

  static final String VOLUME_LOGS = """
      {"id":"vol-22","name":"logs","size_bytes":536870912,"repl":1,"fs":"xfs","block_size":4096,
       "io_priority":"low","snap_interval":0,"labels":{},"ctime":"2026-01-02T00:00:00Z",
       "state":"detached","status":"up","used_bytes":0,"snapshot_bytes":0,"replica_group":"rg-2",
       "replicas":["node-2"],"attached_on":null,"nbd_uri":"nbd://10.0.1.1:10809/vol-22","checksum_errors":3,
       "device_path":null,"attach_path":[]}
      """;

  static final String VOLUMES = "[" + VOLUME_DB + "," + VOLUME_LOGS + "]";

  /** A volume's attachment on the answering node's host, as pxctl host attach/mount reply. */
  static final String HOST_ATTACHED = """
      {"volume":"v1","node":"node-1","device_path":"/dev/loop3","mountpoints":[],"users":1}
      """;

  static final String HOST_MOUNTED = """
      {"volume":"v1","node":"node-1","device_path":"/dev/loop3","mountpoints":["/mnt/x"],"users":1}
      """;

  /** The reply once the host holds nothing of the volume (after detach). */
  static final String HOST_DETACHED = """
      {"volume":"v1","node":"node-1","device_path":null,"mountpoints":[],"users":0}
      """;

  static final String SNAPSHOT = """
      {"id":"snap-7","name":"db-monday","volume":"db","volume_id":"vol-1","size_bytes":10737418240,
       "ctime":"2026-01-05T10:00:00Z","nbd_uri":"nbd://10.0.1.1:10809/snap-7","creator":"manual"}
      """;

  static final String SNAPSHOTS = "[" + SNAPSHOT + """
      ,{"id":"snap-8","name":"logs.snap-8","volume":"logs","volume_id":"vol-22","size_bytes":536870912,
        "ctime":"2026-01-06T10:00:00Z","nbd_uri":"nbd://10.0.1.1:10809/snap-8","creator":"schedule (periodic)"}]
      """;
}

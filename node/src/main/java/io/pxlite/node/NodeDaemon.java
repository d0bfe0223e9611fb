package io.pxlite.node;

import io.pxlite.api.ManagementApiServer;
import io.pxlite.journal.JournalServer;
import io.pxlite.journal.ReplicaPeer;
import io.pxlite.docker.DockerPluginServer;
import io.pxlite.nbd.NbdMetrics;
import io.pxlite.nbd.NbdServer;
import io.pxlite.node.telemetry.NodeOperations;
import io.pxlite.ops.metrics.NodeMetrics;
import io.pxlite.node.attach.HostAttachments;
import io.pxlite.node.attach.KvdbAttachClaims;
import io.pxlite.node.docker.DockerVolumes;
import io.pxlite.node.config.NodeConfig;
import io.pxlite.node.kvdb.ClusterCatalog;
import io.pxlite.node.kvdb.Kvdb;
import io.pxlite.node.kvdb.KvdbUnavailableException;
import io.pxlite.node.kvdb.NodeRegistration;
import io.pxlite.node.volume.membership.ReplicaGroups;
import io.pxlite.node.volume.datapath.VolumeExports;
import io.pxlite.node.volume.qos.PolicyRefresh;
import io.pxlite.node.volume.schedule.SnapshotScheduler;
import io.pxlite.node.volume.qos.VolumeIoControl;
import io.pxlite.node.volume.VolumeService;
import io.pxlite.statemachine.ForegroundActivity;
import io.pxlite.statemachine.VolumeStateMachine;
import io.pxlite.store.BlockStore;
import io.pxlite.store.device.DeviceConfig;
import io.pxlite.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node: opens everything in dependency order (store, Raft, kvdb, front doors) and closes it
 * in reverse. Front doors open last, after the Raft logs have been replayed into the store, so no
 * client ever reads a store that is behind its own log.
 */
public final class NodeDaemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeDaemon.class);
  private static final Duration REPLAY_TIMEOUT = Duration.ofMinutes(10);
  /**
   * {@code -Dpxlite.metrics.io=off} stops timing and counting each request per volume; only for
   * measuring what those metrics cost (bench/), never needed in use.
   */
  static final String PER_VOLUME_IO_METRICS = "pxlite.metrics.io";
  private static final java.nio.file.Path DOCKER_ENGINE_SOCKET = java.nio.file.Path.of("/var/run/docker.sock");

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private final NodeIdentity identity;

  private NodeDaemon(NodeIdentity identity) {
    this.identity = identity;
  }

  public String nodeId() {
    return identity.nodeId();
  }

  /**
   * Starts a node. Waits for the kvdb if it is not reachable yet (logging why), because the node
   * needs its catalog before it can serve anything.
   */
  public static NodeDaemon start(NodeConfig config, boolean force) {
    NodeIdentity identity;
    try {
      identity = NodeIdentity.loadOrCreate(config.dataDir(), config.clusterId(), force, config.devices());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the node identity in " + config.dataDir(), e);
    }
    NodeDaemon node = new NodeDaemon(identity);
    try {
      node.open(config, force);
      return node;
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
  }

  private void open(NodeConfig config, boolean force) {
    String nodeId = identity.nodeId();
    // Every log line from here on names the node (logback.xml's %property{pxlite.node}).
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logging) {
      logging.putProperty("pxlite.node", nodeId);
    }
    LOG.info("node {} of cluster {} starting; data dir {}", nodeId, config.clusterId(), config.dataDir());
    StartupPhases phases = new StartupPhases();
    NodeMetrics metrics = new NodeMetrics(nodeId);
    // The first kvdb call connects (gRPC, TLS-less channel, class loading: about a second here); it
    // needs neither the store nor Raft, so it runs while they open.
    Kvdb kvdb = track(new Kvdb(config.kvdbEndpoints()));
    ClusterCatalog catalog = new ClusterCatalog(kvdb, config.clusterId(), config.dataDir().resolve("catalog-cache.json"));
    CompletableFuture<Void> catalogRead = CompletableFuture.runAsync(() -> {
      catalog.volumes();
      catalog.snapshots();
    }, r -> {
      Thread t = new Thread(r, "catalog-read-at-start");
      t.setDaemon(true);
      t.start();
    });
    BlockStore store = track(BlockStore.open(new StoreConfig(
        config.dataDir().resolve("index"),
        config.devices().stream().map(p -> new DeviceConfig(p, config.deviceSizeBytes())).toList(),
        config.clusterId(), nodeId, force)));

    phases.done("block store");
    LocalNode self = new LocalNode(nodeId, config, store);
    // Client I/O admitted here, which this node's rebuilds (and rebuilds copying from it) yield to.
    ForegroundActivity clientActivity = new ForegroundActivity();
    JournalServer journal = track(JournalServer.start(nodeId,
        new InetSocketAddress(config.dataIp(), config.raftPort()), config.dataDir().resolve("raft"),
        VolumeStateMachine.registry(store, clientActivity), metrics.registry()));

    phases.done("raft server");
    NodeRegistration registration = track(new NodeRegistration(catalog, self::record));
    // Every node shows this node's replicas unhealthy from its record: publish a failure at once.
    store.whenFailed(failure -> registration.republishSoon());
    if (catalog.hasCachedRecords()) {
      // A node that served before does not wait for the kvdb: its volumes' data is all local.
      try {
        awaitCatalogRead(catalogRead);
        registration.start();
      } catch (KvdbUnavailableException e) {
        LOG.warn("{}; serving the {} volumes and {} snapshots known from the last run, registering when the kvdb"
            + " returns", e.getMessage(), catalog.cachedVolumes().size(), catalog.cachedSnapshots().size());
        registration.startInBackground();
      }
    } else {
      registerWhenReachable(registration, kvdb);
      catalogRead.exceptionally(e -> null).join(); // its failure (kvdb away then) is read again below
      catalog.volumes();
      catalog.snapshots();
    }

    phases.done("kvdb registration and catalog");
    journal.awaitReplayOfSoleMemberGroups(REPLAY_TIMEOUT);
    phases.done("log replay of sole-member groups");
    ReplicaGroups groups = new ReplicaGroups(journal, catalog, new ReplicaPeer(nodeId, self.raftAddress()));
    groups.joinMemberships();
    phases.done("group memberships");
    NbdMetrics nbdMetrics = new NbdMetrics(metrics.registry(), !"off".equals(System.getProperty(PER_VOLUME_IO_METRICS)));
    VolumeIoControl ioControl = track(new VolumeIoControl(clientActivity));
    track(new PolicyRefresh(catalog, ioControl).start());
    VolumeExports exports = new VolumeExports(catalog, groups, store, ioControl);
    track(NbdServer.start(exports, config.nbdSocket(),
        config.nbdPort().map(port -> new InetSocketAddress(config.dataIp(), port)), nbdMetrics));
    phases.done("nbd server");
    // After the NBD server: attachments that outlived a restart reconnect to it.
    HostAttachments attachments = HostAttachments.open(nodeId, config.dataDir(), config.nbdSocket(), config.mountsDir(),
        new KvdbAttachClaims(catalog));
    attachments.restore();
    VolumeService service = new VolumeService(config, self, catalog, registration, groups, store, attachments,
        ioControl, exports);
    track(new SnapshotScheduler(nodeId, catalog, groups, java.time.Clock.systemUTC()).start());
    NodeOperations operations = track(new NodeOperations(metrics, config.clusterId(), service, store, journal, nbdMetrics));
    track(ManagementApiServer.start(service, operations, config.apiSocket(),
        Optional.of(new InetSocketAddress(config.mgmtIp(), config.mgmtPort()))));
    config.dockerPluginSocket().ifPresent(socket -> {
      DockerVolumes driver = new DockerVolumes(service, catalog, attachments);
      driver.releaseMountsNoContainerUses(socket.getFileName().toString().replaceFirst("\\.(sock|spec)$", ""),
          DOCKER_ENGINE_SOCKET);
      track(DockerPluginServer.start(driver, socket));
    });
    phases.done("api and plugin");
    LOG.info("node {} started in {}", nodeId, phases);
    LOG.info("node {} ready: api {} and {}:{}, nbd {}{}{}", nodeId, config.apiSocket(), config.mgmtIp(),
        config.mgmtPort(), config.nbdSocket(), config.nbdPort().map(p -> " and " + config.dataIp() + ":" + p).orElse(""),
        config.dockerPluginSocket().map(p -> ", docker plugin " + p).orElse(""));
  }

  /** Waits for the catalog read started with the node; its kvdb failure is thrown as it was. */
  private static void awaitCatalogRead(CompletableFuture<Void> catalogRead) {
    try {
      catalogRead.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static void registerWhenReachable(NodeRegistration registration, Kvdb kvdb) {
    long backoffMillis = 500;
    while (true) {
      try {
        registration.start();
        return;
      } catch (KvdbUnavailableException e) {
        LOG.warn("waiting for the kvdb: {}", e.getMessage());
      }
      try {
        Thread.sleep(backoffMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KvdbUnavailableException("interrupted while waiting for the kvdb at " + kvdb.endpoints(), e);
      }
      backoffMillis = Math.min(backoffMillis * 2, 5000);
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    opened.push(resource);
    return resource;
  }

  @Override
  public void close() {
    while (!opened.isEmpty()) {
      AutoCloseable resource = opened.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.error("error closing {} during shutdown", resource.getClass().getSimpleName(), e);
      }
    }
  }
}

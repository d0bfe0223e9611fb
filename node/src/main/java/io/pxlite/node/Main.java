package io.pxlite.node;

import io.pxlite.node.config.ConfigException;
import io.pxlite.node.config.NodeConfig;
import io.pxlite.node.config.NodeConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pxlite-node --config FILE}: runs a node in the foreground until SIGTERM/SIGINT. */
@Command(name = "pxlite-node", mixinStandardHelpOptions = true, version = "pxlite-node 0.1.0",
    description = "Runs a pxlite storage node in the foreground.")
public final class Main implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "path of config.json")
  Path config;

  @Option(names = "--force", description = "take over devices or a data dir that belong to another cluster or node,"
      + " or devices that hold other data (destroys what is on them)")
  boolean force;

  @Override
  public Integer call() throws InterruptedException {
    NodeConfig cfg;
    try {
      cfg = new NodeConfigLoader().load(config);
    } catch (ConfigException e) {
      System.err.println("pxlite-node: " + config + ": " + e.getMessage());
      return 2;
    }
    NodeDaemon node;
    try {
      node = NodeDaemon.start(cfg, force);
    } catch (RuntimeException e) {
      System.err.println("pxlite-node: cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("pxlite node " + node.nodeId() + " is up (cluster " + cfg.clusterId() + ")");
    stopped.await();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}

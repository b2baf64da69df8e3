package io.deltachain.core.bus;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.deltachain.core.metrics.ServiceMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a Hazelcast-clustered Vert.x from {@link ClusterOptions}, with no {@code cluster.xml}:
 * the Hazelcast config is built in code from {@link ConfigUtil#loadConfig()} (which carries
 * the maps and multimap Vert.x needs) with the network settings replaced, so a node's cluster
 * membership is exactly what its options say.
 *
 * <ul>
 *   <li>Join over TCP/IP with the explicit member list; multicast and auto-detection off.
 *   <li>Hazelcast binds the bind host only (interfaces enabled with it), or all interfaces for
 *       {@code 0.0.0.0}, advertising the public host.
 *   <li>{@code hazelcast.wait.seconds.before.join=0} (start fast),
 *       {@code hazelcast.local.localAddress=<bind host>} (so Vert.x advertises the right
 *       address), phone-home off, logging through SLF4J.
 *   <li>The event bus listens on the event-bus host and port and advertises its public host.
 * </ul>
 * Every call builds a fresh Hazelcast {@link Config}: the cluster manager mutates the one it
 * is given, so configs must never be shared between nodes.
 */
public final class ClusterFactory {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterFactory.class);

  private ClusterFactory() {}

  /**
   * Starts a clustered Vert.x with Vert.x metrics on ({@link ServiceMetrics#enable}) and registers the
   * event-bus codecs ({@link Codecs#registerAll}).
   * The future fails when Hazelcast or the event bus cannot bind, with their error.
   */
  public static Future<Vertx> start(ClusterOptions options) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcastConfig(options));
    // event-bus, HTTP and pool metrics into the process's registry, which every /metrics serves
    return ServiceMetrics.enable(Vertx.builder(), vertxOptions(options))
        .withClusterManager(manager)
        .buildClustered()
        .map(vertx -> {
          Codecs.registerAll(vertx);
          LOG.info("joined cluster '{}' as {}:{} (members {}), event bus {}:{}", options.clusterName(),
              options.publicHost(), options.hazelcastPort(), options.members(), options.eventBusPublicHost(),
              options.eventBusPort() == 0 ? "any" : options.eventBusPort());
          return vertx;
        });
  }

  /** A fresh Hazelcast config for these options (exposed so it can be inspected). */
  public static Config hazelcastConfig(ClusterOptions o) {
    Config cfg = ConfigUtil.loadConfig();
    cfg.setClusterName(o.clusterName());
    cfg.setProperty("hazelcast.wait.seconds.before.join", "0");
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.logging.type", "slf4j");

    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(o.hazelcastPort()).setPortAutoIncrement(o.portAutoIncrement()).setPortCount(o.portCount());
    if (o.bindsAnyHost()) {
      cfg.setProperty("hazelcast.socket.bind.any", "true");
      net.getInterfaces().setEnabled(false);
    } else {
      cfg.setProperty("hazelcast.socket.bind.any", "false");
      cfg.setProperty("hazelcast.local.localAddress", o.bindHost());
      net.getInterfaces().setEnabled(true).clear().addInterface(o.bindHost());
    }
    if (!o.publicHost().equals(o.bindHost())) {
      net.setPublicAddress(o.publicHost());
    }

    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getAwsConfig().setEnabled(false);
    join.getGcpConfig().setEnabled(false);
    join.getAzureConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    join.getEurekaConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).clear();
    for (String member : o.members()) {
      join.getTcpIpConfig().addMember(member);
    }
    return cfg;
  }

  /** The Vert.x options (event-bus endpoint) for these options. */
  public static VertxOptions vertxOptions(ClusterOptions o) {
    return new VertxOptions().setEventBusOptions(new EventBusOptions()
        .setHost(o.eventBusHost())
        .setPort(o.eventBusPort())
        .setClusterPublicHost(o.eventBusPublicHost()));
  }

  /**
   * Closes {@code vertx} (leaving the cluster gracefully) when the JVM shuts down, waiting at
   * most {@code timeout}. Vert.x registers no hook itself, and Vert.x disables Hazelcast's, so
   * without this a killed node is only noticed after Hazelcast's heartbeat timeout.
   *
   * @return the hook thread; pass it to {@link Runtime#removeShutdownHook} when closing earlier
   */
  public static Thread closeOnShutdown(Vertx vertx, Duration timeout) {
    Thread hook = new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("Vert.x did not close cleanly within {}: {}", timeout, e.toString());
      }
    }, "deltachain-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }
}

package io.deltachain.launcher.node;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.deltachain.abci.client.ChainClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a node's {@code GET /health} reports: its moniker, chain id and roles; the CometBFT node
 * it talks to (reachable, height, catching up); the ledger height when it runs the abci-app; the
 * Hazelcast cluster it joined (name, members as {@code host:port}). {@code status} is {@code ok}
 * unless the chain is unreachable for a role that needs it (every role but the store) or the
 * node left its cluster; then it is {@code unavailable} and {@code problems} says why.
 */
final class NodeHealth implements Supplier<Future<JsonObject>> {
  /** How long /health waits for the CometBFT RPC before calling it unreachable. */
  static final long CHAIN_TIMEOUT_MS = 2_000;
  /** The Hazelcast member attribute holding the Vert.x node id (vertx-hazelcast's HazelcastClusterManager). */
  static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final Set<Role> roles;
  private final String moniker;
  private final String chainId;
  private final String rpcUrl;
  private final ChainClient chain;
  private final LongSupplier abciHeight;
  private final Vertx clustered;
  private final String clusterName;

  /**
   * @param vertx where the chain client runs
   * @param abciHeight the ledger's height, or null without the abci role
   * @param clustered the clustered Vert.x, or null when the node joined no cluster
   */
  NodeHealth(Vertx vertx, Set<Role> roles, String moniker, String chainId, String rpcUrl, LongSupplier abciHeight,
      Vertx clustered, String clusterName) {
    this.roles = roles;
    this.moniker = moniker;
    this.chainId = chainId;
    this.rpcUrl = rpcUrl;
    this.chain = new ChainClient(vertx, rpcUrl, CHAIN_TIMEOUT_MS);
    this.abciHeight = abciHeight;
    this.clustered = clustered;
    this.clusterName = clusterName;
  }

  private boolean needsChain() {
    return roles.stream().anyMatch(r -> r != Role.STORE);
  }

  @Override
  public Future<JsonObject> get() {
    JsonObject h = new JsonObject().put("moniker", moniker).put("chain_id", chainId)
        .put("roles", new JsonArray(roles.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().toList()));
    List<String> problems = new ArrayList<>();
    if (abciHeight != null) {
      h.put("abci", new JsonObject().put("ledger_height", abciHeight.getAsLong()));
    }
    if (clustered != null) {
      JsonObject c = cluster();
      h.put("cluster", c);
      if (!c.getBoolean("active")) {
        problems.add("not in the cluster '" + clusterName + "'");
      }
    }
    return chain.status().map(s -> new JsonObject().put("rpc_url", rpcUrl).put("reachable", true)
            .put("network", s.network()).put("height", s.latestHeight()).put("catching_up", s.catchingUp()))
        .otherwise(e -> new JsonObject().put("rpc_url", rpcUrl).put("reachable", false).put("error", String.valueOf(e)))
        .map(c -> {
          h.put("chain", c);
          if (!c.getBoolean("reachable") && needsChain()) {
            problems.add("the CometBFT RPC at " + rpcUrl + " is unreachable: " + c.getString("error"));
          }
          if (c.getBoolean("reachable") && !chainId.equals(c.getString("network"))) {
            problems.add("the CometBFT node at " + rpcUrl + " runs chain '" + c.getString("network")
                + "', this node is configured for '" + chainId + "'");
          }
          h.put("status", problems.isEmpty() ? "ok" : "unavailable");
          if (!problems.isEmpty()) {
            h.put("problems", new JsonArray(problems));
          }
          return h;
        });
  }

  /** The cluster as Hazelcast sees it: every member's address. */
  private JsonObject cluster() {
    JsonObject c = new JsonObject().put("name", clusterName);
    ClusterManager manager = ((VertxInternal) clustered).clusterManager();
    boolean active = manager != null && manager.isActive();
    c.put("active", active);
    if (!active) {
      return c;
    }
    c.put("node_id", manager.getNodeId());
    List<String> members = new ArrayList<>();
    // vertx-hazelcast puts Vert.x's node id on its Hazelcast member as an attribute: the instance
    // whose local member carries ours is this node's (a test JVM may hold several)
    for (HazelcastInstance hz : Hazelcast.getAllHazelcastInstances()) {
      try {
        Member local = hz.getCluster().getLocalMember();
        if (manager.getNodeId().equals(local.getAttribute(VERTX_NODE_ID))) {
          Collection<Member> all = hz.getCluster().getMembers();
          for (Member m : all) {
            members.add(m.getAddress().getHost() + ":" + m.getAddress().getPort());
          }
        }
      } catch (RuntimeException e) {
        // an instance shutting down; it is not ours
      }
    }
    if (members.isEmpty()) {
      // not Hazelcast's own view: Vert.x's node list, without addresses
      c.put("size", manager.getNodes().size());
    } else {
      c.put("size", members.size()).put("members", new JsonArray(members.stream().sorted().toList()));
    }
    return c;
  }
}

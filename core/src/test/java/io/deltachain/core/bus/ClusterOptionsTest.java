package io.deltachain.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterOptionsTest {

  @Test
  @DisplayName("defaults: this node alone on 5701, event bus on any port, public hosts = bind host")
  void defaults() {
    ClusterOptions o = ClusterOptions.builder().setClusterName("devnet").setBindHost("10.0.0.5").build();
    assertThat(o.publicHost()).isEqualTo("10.0.0.5");
    assertThat(o.hazelcastPort()).isEqualTo(5701);
    assertThat(o.portAutoIncrement()).isTrue();
    assertThat(o.members()).containsExactly("10.0.0.5:5701");
    assertThat(o.eventBusHost()).isEqualTo("10.0.0.5");
    assertThat(o.eventBusPort()).isZero();
    assertThat(o.eventBusPublicHost()).isEqualTo("10.0.0.5");
  }

  @Test
  @DisplayName("the Hazelcast config joins over TCP with the given members only, bound to the bind host")
  void hazelcastConfig() {
    ClusterOptions o = ClusterOptions.builder().setClusterName("devnet").setBindHost("127.0.0.1")
        .optHazelcastPort(6000).optPortAutoIncrement(false)
        .optMembers(List.of("127.0.0.1:6000", "node2.example:6000-6002")).build();
    Config cfg = ClusterFactory.hazelcastConfig(o);
    assertThat(cfg.getClusterName()).isEqualTo("devnet");
    assertThat(cfg.getNetworkConfig().getPort()).isEqualTo(6000);
    assertThat(cfg.getNetworkConfig().isPortAutoIncrement()).isFalse();
    JoinConfig join = cfg.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:6000", "node2.example:6000-6002");
    assertThat(cfg.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(cfg.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(cfg.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(cfg.getProperty("hazelcast.local.localAddress")).isEqualTo("127.0.0.1");
    assertThat(cfg.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(cfg.getProperty("hazelcast.logging.type")).isEqualTo("slf4j");
    // What Vert.x needs from ConfigUtil.loadConfig() is kept.
    assertThat(cfg.getMultiMapConfigs()).containsKey("__vertx.subs");
    // A fresh Config each time: the cluster manager mutates the one it gets.
    assertThat(ClusterFactory.hazelcastConfig(o)).isNotSameAs(cfg);

    VertxOptions vo = ClusterFactory.vertxOptions(o);
    assertThat(vo.getEventBusOptions().getHost()).isEqualTo("127.0.0.1");
    assertThat(vo.getEventBusOptions().getClusterPublicHost()).isEqualTo("127.0.0.1");
  }

  @Test
  @DisplayName("binding all interfaces requires, and then advertises, a public host")
  void wildcardBind() {
    assertThatThrownBy(() -> ClusterOptions.builder().setClusterName("c").setBindHost("0.0.0.0").build())
        .hasMessageContaining("needs a public host");
    ClusterOptions o = ClusterOptions.builder().setClusterName("c").setBindHost("0.0.0.0").optPublicHost("203.0.113.7").build();
    Config cfg = ClusterFactory.hazelcastConfig(o);
    assertThat(cfg.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    assertThat(cfg.getNetworkConfig().getPublicAddress()).isEqualTo("203.0.113.7");
    assertThat(o.members()).containsExactly("203.0.113.7:5701");
    assertThat(o.eventBusPublicHost()).isEqualTo("203.0.113.7");
  }

  @Test
  @DisplayName("bad settings are rejected naming the setting")
  void validation() {
    ClusterOptions.Builder ok = ClusterOptions.builder().setClusterName("c").setBindHost("127.0.0.1");
    assertThatThrownBy(() -> ClusterOptions.builder().setBindHost("127.0.0.1").build()).hasMessageContaining("cluster name is required");
    assertThatThrownBy(() -> ClusterOptions.builder().setClusterName("c").build()).hasMessageContaining("bind host is required");
    assertThatThrownBy(() -> ClusterOptions.builder().setClusterName("a b").setBindHost("127.0.0.1").build())
        .hasMessageContaining("cluster name 'a b'");
    assertThatThrownBy(() -> ClusterOptions.builder().setClusterName("c").setBindHost("localhost").build())
        .hasMessageContaining("bind host 'localhost' must be an IPv4 address");
    assertThatThrownBy(() -> ok.optHazelcastPort(0).build()).hasMessageContaining("hazelcast port 0 must be between 1 and 65535");
    assertThatThrownBy(() -> ok.optHazelcastPort(5701).optMembers(List.of("10.0.0.1:port")).build())
        .hasMessageContaining("member '10.0.0.1:port': port 'port' is not a number");
    assertThatThrownBy(() -> ok.optMembers(List.of("10.0.0.1:5703-5701")).build())
        .hasMessageContaining("port range ends before it starts");
    assertThatThrownBy(() -> ok.optMembers(List.of("10.0.0.1:70000")).build())
        .hasMessageContaining("port 70000 must be between 1 and 65535");
    assertThatThrownBy(() -> ok.optMembers(List.of("bad host")).build())
        .hasMessageContaining("member 'bad host'");
    assertThatThrownBy(() -> ok.optMembers(List.of()).optEventBusPort(-1).build())
        .hasMessageContaining("event-bus port -1");
  }

  @Test
  @DisplayName("options read from JSON equal the ones built in code, and round-trip")
  void json() {
    JsonObject json = new JsonObject().put("clusterName", "devnet").put("bindHost", "127.0.0.1")
        .put("hazelcastPort", 5801).put("members", new io.vertx.core.json.JsonArray().add("127.0.0.1:5801"));
    ClusterOptions o = ClusterOptions.fromJson(json);
    assertThat(o).isEqualTo(ClusterOptions.builder().setClusterName("devnet").setBindHost("127.0.0.1")
        .optHazelcastPort(5801).optMembers(List.of("127.0.0.1:5801")).build());
    assertThat(ClusterOptions.fromJson(o.toJson())).isEqualTo(o);
    assertThatThrownBy(() -> ClusterOptions.fromJson(new JsonObject().put("clusterName", "c")))
        .hasMessageContaining("cluster.bindHost is required");
  }

  @Test
  @DisplayName("the shutdown hook closes Vert.x, running its verticles' stop")
  void shutdownHookClosesVertx() throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicBoolean stopped = new AtomicBoolean();
    vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public io.vertx.core.Future<?> stop() throws Exception {
        stopped.set(true);
        return super.stop();
      }
    }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Thread hook = ClusterFactory.closeOnShutdown(vertx, Duration.ofSeconds(10));
    try {
      hook.run(); // what the JVM does on shutdown
      assertThat(stopped).isTrue();
    } finally {
      assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isTrue();
    }
  }
}

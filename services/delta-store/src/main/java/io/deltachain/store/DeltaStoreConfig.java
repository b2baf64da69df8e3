package io.deltachain.store;

import io.deltachain.store.bus.DeltaStoreAddresses;
import io.deltachain.store.http.HttpApiConfig;
import io.deltachain.store.ipfs.IpfsConfig;
import io.deltachain.store.local.LocalStoreConfig;
import io.deltachain.store.policy.StorePolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The whole delta-store configuration, read from one JSON object (see docs/delta-store.md).
 *
 * @param local the local store (always present: it is the primary and the read-through cache)
 * @param http the HTTP API
 * @param grpcEnabled whether to start the gRPC API
 * @param grpcHost gRPC bind address
 * @param grpcPort gRPC port (0 = any)
 * @param addresses event-bus addresses (overridable through the {@code "addresses"} map)
 * @param ipfs zero or more kubo daemons to replicate to and read through
 * @param policy inline threshold, replication and caching
 * @param gcEnabled whether garbage collection runs
 * @param gcIntervalMillis how often it runs (0 = only on request)
 * @param gcRetentionBlocks how many blocks released content is kept
 */
public record DeltaStoreConfig(LocalStoreConfig local, HttpApiConfig http, boolean grpcEnabled, String grpcHost,
    int grpcPort, DeltaStoreAddresses addresses, List<IpfsConfig> ipfs, StorePolicy.Config policy, boolean gcEnabled,
    long gcIntervalMillis, long gcRetentionBlocks) {

  /**
   * Parses and validates; a bad value throws {@link IllegalArgumentException} naming the key.
   */
  public static DeltaStoreConfig fromJson(JsonObject j) {
    LocalStoreConfig local = LocalStoreConfig.fromJson(j);
    JsonObject http = j.getJsonObject("http", new JsonObject());
    JsonObject grpc = j.getJsonObject("grpc", new JsonObject());
    List<IpfsConfig> ipfs = new ArrayList<>();
    Object ipfsValue = j.getValue("ipfs");
    List<JsonObject> ipfsEntries = new ArrayList<>();
    if (ipfsValue instanceof JsonObject o) {
      ipfsEntries.add(o);
    } else if (ipfsValue instanceof JsonArray a) {
      a.forEach(e -> ipfsEntries.add((JsonObject) e));
    } else if (ipfsValue != null) {
      throw new IllegalArgumentException("'ipfs' must be an object or an array of objects");
    }
    for (int i = 0; i < ipfsEntries.size(); i++) {
      JsonObject e = ipfsEntries.get(i).copy();
      if (!e.containsKey("indexDir")) {
        e.put("indexDir", local.dataDir().resolve(i == 0 ? "ipfs-index" : "ipfs-index-" + i).toString());
      }
      ipfs.add(IpfsConfig.fromJson(e));
    }
    JsonObject gc = j.getJsonObject("gc", new JsonObject());
    HttpApiConfig httpConfig = HttpApiConfig.fromJson(http);
    JsonObject policy = j.getJsonObject("policy", new JsonObject());
    if (!policy.containsKey("inlineMaxBytes") && http.containsKey("inlineMaxBytes")) {
      policy.put("inlineMaxBytes", http.getLong("inlineMaxBytes"));
    }
    StorePolicy.Config policyConfig = StorePolicy.Config.fromJson(policy, ipfs.size());
    return new DeltaStoreConfig(local,
        new HttpApiConfig(httpConfig.host(), httpConfig.port(), httpConfig.maxUploadBytes(), policyConfig.inlineMaxBytes()),
        grpc.getBoolean("enabled", true), grpc.getString("host", httpConfig.host()), grpc.getInteger("port", 8471),
        DeltaStoreAddresses.fromConfig(j), ipfs, policyConfig,
        gc.getBoolean("enabled", false), gc.getLong("intervalSeconds", 600L) * 1000, gc.getLong("retentionBlocks", 1000L));
  }

  /**
   * From the node's typed configuration in core ({@code delta-store.*} and {@code ipfs.*} keys):
   * the settings those keys do not cover keep their defaults here.
   */
  public static DeltaStoreConfig fromCore(io.deltachain.core.config.DeltaStoreConfig store,
      io.deltachain.core.config.IpfsConfig ipfs) {
    JsonObject j = new JsonObject().put("dataDir", store.dataDir().toString())
        .put("http", new JsonObject().put("host", store.http().host()).put("port", store.http().port())
            .put("maxUploadBytes", store.maxUploadBytes()))
        .put("grpc", new JsonObject().put("host", store.http().host())
            .put("port", store.http().port() == 0 ? 0 : store.http().port() + 1))
        .put("policy", new JsonObject().put("inlineMaxBytes", store.inlineThresholdBytes()));
    if (ipfs != null && ipfs.enabled()) {
      j.put("ipfs", new JsonObject().put("apiUrl", ipfs.apiUrl().toString()));
    }
    return fromJson(j);
  }

  /** Defaults for a data directory: local only, HTTP on port 0, gRPC on port 0. */
  public static DeltaStoreConfig localOnly(Path dataDir) {
    return fromJson(new JsonObject().put("dataDir", dataDir.toString())
        .put("http", new JsonObject().put("port", 0)).put("grpc", new JsonObject().put("port", 0)));
  }
}

# syntax=docker/dockerfile:1
# The deltachain image: every Java service (abci-app, validator service, delta store, round
# service, trainers) runs from the one shaded launcher jar as `deltachain node --roles ...`. Used by
# compose.yaml (see docs/deploy.md).
#
#   docker build -t deltachain:local .
#   docker run --rm deltachain:local --help
#   docker run --rm deltachain:local node --help
#
# CometBFT and kubo are not in this image: compose.yaml runs them from their official images
# (cometbft/cometbft:v0.38.25, ipfs/kubo:v0.41.0), the versions scripts/node-binaries.sh pins.

# ---- build: Maven, JDK 17 ----------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# protoc and the DJL PyTorch native library come from Maven Central during this step; the cache
# mount keeps ~/.m2 between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -pl launcher -am package \
 && cp launcher/target/deltachain.jar /deltachain.jar

# ---- runtime: JRE 17 (glibc: RocksDB and libtorch are glibc builds) ----------------------------
FROM eclipse-temurin:17-jre
# curl: the compose health checks (GET /health of each node's metrics server)
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
# /var/lib/deltachain belongs to group 0 and is group-writable: compose runs the services as the
# host user (so that they can read the 0600 keys testnet.sh wrote) in group 0, and named volumes
# start as copies of these directories
RUN useradd --system --uid 10001 --gid 0 --home-dir /var/lib/deltachain --create-home deltachain \
 && mkdir -p /var/lib/deltachain/home /var/lib/deltachain/delta-store /var/lib/deltachain/.djl.ai /opt/deltachain \
 && chown -R deltachain:0 /var/lib/deltachain \
 && chmod -R g=u /var/lib/deltachain
COPY --from=build /deltachain.jar /opt/deltachain/deltachain.jar
USER deltachain
WORKDIR /var/lib/deltachain
# 9464: a node's GET /metrics and /health (metrics.port); 5701: Hazelcast; 8080: the round API;
# 8470/8471: the delta store's HTTP and gRPC APIs; 26658: an abci-app
EXPOSE 9464 5701 8080 8470 8471 26658
# user.home fixed: a uid without a passwd entry (compose's user:) would have none
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-Duser.home=/var/lib/deltachain", "-Dhazelcast.logging.type=slf4j", "-Dhazelcast.phone.home.enabled=false", "-jar", "/opt/deltachain/deltachain.jar"]
CMD ["--help"]

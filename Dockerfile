# syntax=docker/dockerfile:1
# The deltachain image: every Java service (abci-app, delta store, round service, trainers) runs
# from the one shaded launcher jar. Used by compose.yaml (see docs/deploy.md).
#
#   docker build -t deltachain:local .
#   docker run --rm deltachain:local --help
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
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/deltachain --create-home deltachain \
 && mkdir -p /var/lib/deltachain/ledger /var/lib/deltachain/delta-store /var/lib/deltachain/trainer \
             /var/lib/deltachain/.djl.ai /opt/deltachain \
 && chown -R deltachain:deltachain /var/lib/deltachain
COPY --from=build /deltachain.jar /opt/deltachain/deltachain.jar
USER deltachain
WORKDIR /var/lib/deltachain
# Hazelcast (event-bus cluster) and the event bus itself
EXPOSE 5701
ENTRYPOINT ["java", "-Dai.djl.offline=true", "-Dhazelcast.logging.type=slf4j", "-Dhazelcast.phone.home.enabled=false", "-jar", "/opt/deltachain/deltachain.jar"]
CMD ["--help"]

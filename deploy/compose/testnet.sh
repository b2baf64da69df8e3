#!/usr/bin/env bash
# Produces the keys, genesis and node configuration of the 4-validator network in compose.yaml:
#
#   deploy/compose/testnet.sh [--force] [OUT]        (OUT defaults to deploy/compose/generated)
#   deploy/compose/testnet.sh --configs-only [OUT]   only (re)write OUT/nodes/*.json; keys untouched
#
# OUT/validator-0 .. validator-3   CometBFT homes (config/ with node_key.json,
#                                  priv_validator_key.json, config.toml, genesis.json; data/)
#                                  mounted at /cometbft in the validator-N containers
# OUT/coordinator/config/priv_validator_key.json
#                                  the coordinator's key; its address is the genesis coordinator
# OUT/round.env                    the round service's API token (DELTACHAIN_ROUND_API_TOKENS)
# OUT/nodes/SERVICE.json           the `deltachain node --config` file of each Java service of
#                                  compose.yaml (NodeSettings keys: roles, chain id, its CometBFT
#                                  RPC, the store, key files, cluster members by service name,
#                                  metrics); mounted at /etc/deltachain/node.json
#
# Steps: `cometbft testnet` (keys, one genesis, persistent peers by compose service name
# validator-N), a coordinator key (`cometbft init`), then io.deltachain.abci.node.CometNodeSetup
# writes the genesis chain_id and app_state (the coordinator) and the config.toml edits
# (proxy_app tcp://abci-N:26658, RPC on 0.0.0.0, private network), exactly as docs/operators.md.
#
# Tools, first found wins:
#   cometbft  $COMETBFT_BIN, `cometbft` on PATH, the pinned build in ~/.cache/deltachain/bin,
#             else `docker run cometbft/cometbft:v0.38.25`
#   java      $DELTACHAIN_JAVA_CP (a class path holding the abci-app), launcher/target/deltachain.jar,
#             else `docker run` of the project image ($DELTACHAIN_IMAGE, default deltachain:local,
#             built by `docker compose build`)
# Environment: DELTACHAIN_CHAIN_ID (default deltachain-compose-1; compose.yaml reads the same
# variable), TIMEOUT_COMMIT (default 500ms).
#
# It refuses to overwrite an existing network (the keys are the validators' identities); --force
# deletes OUT first.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
force=0
configs_only=0
if [[ "${1:-}" == "--force" ]]; then
  force=1
  shift
elif [[ "${1:-}" == "--configs-only" ]]; then
  configs_only=1
  shift
fi
out="${1:-$root/deploy/compose/generated}"
chain_id="${DELTACHAIN_CHAIN_ID:-deltachain-compose-1}"
timeout_commit="${TIMEOUT_COMMIT:-500ms}"
validators=4
cometbft_image="cometbft/cometbft:v0.38.25"
project_image="${DELTACHAIN_IMAGE:-deltachain:local}"

log() { echo "[testnet] $*" >&2; }
die() { echo "[testnet] ERROR: $*" >&2; exit 1; }

# ---- node configs: what each Java service of compose.yaml runs with --------------------------------
profile="${DELTACHAIN_PROFILE:-tiny-1m}"
dataset="${DELTACHAIN_DATASET:-europarl:600}"
cluster_name="deltachain-compose"
# Hazelcast members every clustered service is told about: the services that always run. Trainers
# (profiles gpu and cpu) are not listed: they join through these, and Hazelcast tells every member
# about every other. The store starts first (the others wait for it to be healthy), so there is
# one cluster from the start.
seed_members=(delta-store round node-0 node-1 node-2 node-3)
# the trainer services of compose.yaml (profiles gpu and cpu); a round gives each trainer it
# plans a shard of the data
trainers_gpu=(trainer-0 trainer-1)
trainers_cpu=(trainer-cpu-0 trainer-cpu-1)

json_list() { # json_list A B C -> ["A","B","C"]
  local out="" x
  for x in "$@"; do out+="${out:+,}\"$x\""; done
  printf '[%s]' "$out"
}

# node_json NAME ROLES RPC_HOST [EXTRA]: EXTRA is more top-level JSON members, each ending with ','
node_json() {
  local name="$1" roles="$2" rpc_host="$3" extra="${4:-}" members=() m cluster="" store_url="" abci=""
  IFS=, read -r -a role_list <<< "$roles"
  if [[ "$roles" != "abci" ]]; then
    for m in "${seed_members[@]}"; do
      [[ "$m" == "$name" ]] || members+=("$m:5701")
    done
    cluster="\"cluster\": {\"name\": \"$cluster_name\", \"host\": \"0.0.0.0\", \"public-host\": \"$name\", \"port\": 5701, \"members\": $(json_list "${members[@]}")},"
  fi
  if [[ "$roles" == "abci" ]]; then
    abci=", \"abci\": {\"host\": \"0.0.0.0\", \"port\": 26658}"
  fi
  if [[ ",$roles," == *",trainer,"* || ",$roles," == *",validator,"* || ",$roles," == *",round,"* ]]; then
    store_url=", \"store-url\": \"http://delta-store:8470\""
  fi
  cat > "$out/nodes/$name.json" <<JSON
{
  "node": {"roles": $(json_list "${role_list[@]}"), "chain-id": "$chain_id", "moniker": "$name", "home": "/var/lib/deltachain/home"$store_url},
  "comet": {"rpc-url": "http://$rpc_host:26657"$abci},
  $cluster
  $extra
  "network": {"profile": "$profile", "base-seed": 7, "dataset": "$dataset"},
  "metrics": {"enabled": true, "host": "0.0.0.0", "port": 9464}
}
JSON
  sed -i '/^[[:space:]]*$/d' "$out/nodes/$name.json"
}

write_node_configs() {
  mkdir -p "$out/nodes"
  rm -f "$out/nodes/"*.json
  local i t
  for ((i = 0; i < validators; i++)); do
    # the ledger CometBFT validator-i connects to (proxy_app tcp://abci-i:26658)
    node_json "abci-$i" abci "validator-$i"
    # the validator service of validator-i: verdicts, replay spot checks, aggregation, signed with its consensus key
    node_json "node-$i" validator "validator-$i" \
      '"validator": {"key-file": "/etc/deltachain/priv_validator_key.json"},'
  done
  node_json delta-store store validator-0 \
    '"delta-store": {"data-dir": "/var/lib/deltachain/delta-store", "http": {"host": "0.0.0.0", "port": 8470}},
  "ipfs": {"enabled": true, "api-url": "http://kubo:5001"},'
  # the API token comes from round.env (DELTACHAIN_ROUND_API_TOKENS), not from this file
  node_json round round validator-0 \
    '"http": {"host": "0.0.0.0", "port": 8080},
  "round": {"coordinator-key-file": "/etc/deltachain/coordinator_key.json"},'
  i=0
  for t in "${trainers_gpu[@]}"; do
    node_json "$t" trainer "validator-$((i % validators))" '"trainer": {"device": "auto"},'
    i=$((i + 1))
  done
  for t in "${trainers_cpu[@]}"; do
    node_json "$t" trainer "validator-$((i % validators))" '"trainer": {"device": "cpu"},'
    i=$((i + 1))
  done
  chmod 644 "$out/nodes/"*.json
}

if [[ $configs_only == 1 ]]; then
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  write_node_configs
  log "node configs in $out/nodes"
  exit 0
fi

if [[ -e "$out/validator-0/config/genesis.json" ]]; then
  if [[ $force == 1 ]]; then
    log "--force: deleting $out"
    rm -rf "$out"
  else
    die "$out already holds a network (validator keys); keep it, or run again with --force to replace it"
  fi
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# cometbft ARGS... ; the literal @OUT@ in an argument stands for $out
cometbft_cmd=()
if [[ -n "${COMETBFT_BIN:-}" ]]; then
  cometbft_cmd=("$COMETBFT_BIN")
elif command -v cometbft >/dev/null 2>&1 && cometbft version 2>/dev/null | grep -q '^0\.38\.'; then
  cometbft_cmd=(cometbft)
elif [[ -x "${DELTACHAIN_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deltachain/bin}/cometbft-v0.38.25/cometbft" ]]; then
  cometbft_cmd=("${DELTACHAIN_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deltachain/bin}/cometbft-v0.38.25/cometbft")
fi
cometbft() {
  local args=() a
  if [[ ${#cometbft_cmd[@]} -gt 0 ]]; then
    for a in "$@"; do args+=("${a//@OUT@/$out}"); done
    "${cometbft_cmd[@]}" "${args[@]}"
  else
    command -v docker >/dev/null 2>&1 || die "neither a cometbft v0.38 binary nor docker found (scripts/node-binaries.sh builds one)"
    for a in "$@"; do args+=("${a//@OUT@//out}"); done
    docker run --rm --user "$(id -u):$(id -g)" -v "$out:/out" --entrypoint cometbft "$cometbft_image" "${args[@]}"
  fi
}

# setup ARGS... : io.deltachain.abci.node.CometNodeSetup
java_cp=""
if [[ -n "${DELTACHAIN_JAVA_CP:-}" ]]; then
  java_cp="$DELTACHAIN_JAVA_CP"
elif [[ -f "$root/launcher/target/deltachain.jar" ]] && command -v java >/dev/null 2>&1; then
  java_cp="$root/launcher/target/deltachain.jar"
fi
setup() {
  local args=() a
  if [[ -n "$java_cp" ]]; then
    for a in "$@"; do args+=("${a//@OUT@/$out}"); done
    java -cp "$java_cp" io.deltachain.abci.node.CometNodeSetup "${args[@]}"
  else
    command -v docker >/dev/null 2>&1 || die "no java class path (build launcher/target/deltachain.jar) and no docker"
    for a in "$@"; do args+=("${a//@OUT@//out}"); done
    docker run --rm --user "$(id -u):$(id -g)" -v "$out:/out" --entrypoint java "$project_image" \
      -cp /opt/deltachain/deltachain.jar io.deltachain.abci.node.CometNodeSetup "${args[@]}"
  fi
}

log "keys and genesis for $validators validators (cometbft testnet), chain id $chain_id"
cometbft testnet --v "$validators" --n 0 --o @OUT@ --node-dir-prefix validator- \
  --hostname-prefix validator- --populate-persistent-peers >/dev/null

log "coordinator key"
cometbft init --home @OUT@/coordinator >/dev/null 2>&1
# only the key matters: the coordinator is not a CometBFT node
rm -rf "$out/coordinator/data" "$out/coordinator/config/genesis.json" "$out/coordinator/config/config.toml" \
  "$out/coordinator/config/node_key.json"
coordinator="$(setup validator-address --home @OUT@/coordinator)"
[[ "$coordinator" =~ ^[0-9A-Fa-f]{40}$ ]] || die "unexpected coordinator address '$coordinator'"

log "genesis app_state: coordinator $coordinator"
setup genesis --home @OUT@/validator-0 --chain-id "$chain_id" --coordinator "$coordinator"
for ((i = 1; i < validators; i++)); do
  cp "$out/validator-0/config/genesis.json" "$out/validator-$i/config/genesis.json"
done

for ((i = 0; i < validators; i++)); do
  # persistent_peers (id@validator-N:26656) were written by `cometbft testnet`
  setup configure --home @OUT@/validator-$i --moniker validator-$i \
    --proxy-app tcp://abci-$i:26658 --rpc-laddr tcp://0.0.0.0:26657 --p2p-laddr tcp://0.0.0.0:26656 \
    --private-network --timeout-commit "$timeout_commit" --rpc-max-batch 200
done

write_node_configs
log "node configs of the Java services in $out/nodes"

token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
umask 077
printf 'DELTACHAIN_ROUND_API_TOKENS=operator:%s\n' "$token" > "$out/round.env"

log "done: $out"
log "  genesis sha256 $(sha256sum "$out/validator-0/config/genesis.json" | cut -c1-64) (identical on all $validators)"
log "  round API token for client 'operator' in $out/round.env"
if [[ "$(id -u)" != "1000" ]]; then
  log "  your uid is $(id -u): export DELTACHAIN_UID=$(id -u) DELTACHAIN_GID=$(id -g) before docker compose up"
fi

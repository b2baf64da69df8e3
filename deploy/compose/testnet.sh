#!/usr/bin/env bash
# Produces the keys, genesis and node configuration of the 4-validator network in compose.yaml:
#
#   deploy/compose/testnet.sh [--force] [OUT]        (OUT defaults to deploy/compose/generated)
#
# OUT/validator-0 .. validator-3   CometBFT homes (config/ with node_key.json,
#                                  priv_validator_key.json, config.toml, genesis.json; data/)
#                                  mounted at /cometbft in the validator-N containers
# OUT/coordinator/config/priv_validator_key.json
#                                  the coordinator's key; its address is the genesis coordinator
# OUT/round.env                    the round service's API token (DELTACHAIN_ROUND_API_TOKENS)
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
if [[ "${1:-}" == "--force" ]]; then
  force=1
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

token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
umask 077
printf 'DELTACHAIN_ROUND_API_TOKENS=operator:%s\n' "$token" > "$out/round.env"

log "done: $out"
log "  genesis sha256 $(sha256sum "$out/validator-0/config/genesis.json" | cut -c1-64) (identical on all $validators)"
log "  round API token for client 'operator' in $out/round.env"
if [[ "$(id -u)" != "1000" ]]; then
  log "  your uid is $(id -u): export DELTACHAIN_UID=$(id -u) DELTACHAIN_GID=$(id -g) before docker compose up"
fi

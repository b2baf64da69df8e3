#!/usr/bin/env bash
# Makes sure the pinned CometBFT and kubo binaries exist in a per-user cache directory,
# building them with `go install` when missing. Idempotent; prints what it does.
#
# Usage: scripts/node-binaries.sh            # install (if needed) and verify both
#        scripts/node-binaries.sh --print    # also print KEY=path lines for tools to read
#
# Environment:
#   DELTACHAIN_BIN_CACHE   cache directory (default: ${XDG_CACHE_HOME:-$HOME/.cache}/deltachain/bin)
#   COMETBFT_VERSION       default v0.38.25
#   KUBO_VERSION           default v0.39.0 (v0.40.1 to v0.43.0 carry go.mod exclude directives, which `go install pkg@version` refuses)
set -euo pipefail

COMETBFT_VERSION="${COMETBFT_VERSION:-v0.38.25}"
KUBO_VERSION="${KUBO_VERSION:-v0.39.0}"
CACHE="${DELTACHAIN_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deltachain/bin}"
PRINT=0
[[ "${1:-}" == "--print" ]] && PRINT=1

log() { echo "[node-binaries] $*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  log "ERROR: Go is not installed, so CometBFT ${COMETBFT_VERSION} and kubo ${KUBO_VERSION} cannot be built."
  log "Install Go >= 1.26 (https://go.dev/dl/) or run the network in containers with compose.yaml instead."
  exit 2
fi

# install NAME VERSION MODULE BINARY VERIFY_ARGS
install_one() {
  local name="$1" version="$2" module="$3" binary="$4"
  local dir="$CACHE/$name-$version"
  if [[ -x "$dir/$binary" ]]; then
    log "$name $version already in $dir"
  else
    log "building $name $version with: go install $module@$version (first time takes a few minutes)"
    mkdir -p "$dir.tmp"
    GOBIN="$dir.tmp" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath" go install "$module@$version"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
    log "$name $version installed in $dir"
  fi
}

install_one cometbft "$COMETBFT_VERSION" github.com/cometbft/cometbft/cmd/cometbft cometbft
install_one kubo "$KUBO_VERSION" github.com/ipfs/kubo/cmd/ipfs ipfs

COMETBFT="$CACHE/cometbft-$COMETBFT_VERSION/cometbft"
IPFS="$CACHE/kubo-$KUBO_VERSION/ipfs"
cv=$("$COMETBFT" version) || { log "ERROR: $COMETBFT does not run"; exit 3; }
iv=$(IPFS_TELEMETRY=off "$IPFS" version) || { log "ERROR: $IPFS does not run"; exit 3; }
log "verified: cometbft $cv; $iv"
if [[ $PRINT == 1 ]]; then
  echo "COMETBFT=$COMETBFT"
  echo "IPFS=$IPFS"
fi

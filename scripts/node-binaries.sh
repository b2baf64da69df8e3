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
#   KUBO_VERSION           default v0.41.0 (needs Go >= 1.26.2; v0.39.x and older do not build with Go 1.26)
set -euo pipefail

COMETBFT_VERSION="${COMETBFT_VERSION:-v0.38.25}"
KUBO_VERSION="${KUBO_VERSION:-v0.41.0}"
CACHE="${DELTACHAIN_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deltachain/bin}"
PRINT=0
[[ "${1:-}" == "--print" ]] && PRINT=1

log() { echo "[node-binaries] $*" >&2; }

require_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "ERROR: Go is not installed, so CometBFT ${COMETBFT_VERSION} and kubo ${KUBO_VERSION} cannot be built."
    log "Install Go >= 1.26 (https://go.dev/dl/), or run CometBFT and kubo from their official images (cometbft/cometbft:${COMETBFT_VERSION}, ipfs/kubo:${KUBO_VERSION})."
    exit 2
  fi
}

# install NAME VERSION MODULE PACKAGE BINARY
#
# `go install MODULE/PACKAGE@VERSION` refuses modules whose go.mod has exclude or replace
# directives (kubo v0.40.1 and later have them), so the module is downloaded to the Go module
# cache and `go install ./PACKAGE` runs inside it, as its main module: same source, same
# pinned dependencies (go.sum), directives honoured.
install_one() {
  local name="$1" version="$2" module="$3" package="$4" binary="$5"
  local dir="$CACHE/$name-$version"
  if [[ -x "$dir/$binary" ]]; then
    log "$name $version already in $dir"
    return
  fi
  require_go
  log "building $name $version: go install $module/$package@$version (first time takes a few minutes)"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  local src
  src=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  if [[ -z "$src" || ! -d "$src" ]]; then
    log "ERROR: could not download $module@$version from the Go module proxy"
    exit 4
  fi
  (cd "$src" && GOBIN="$dir.tmp" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath -mod=readonly" go install "./$package")
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
  log "$name $version installed in $dir"
}

install_one cometbft "$COMETBFT_VERSION" github.com/cometbft/cometbft cmd/cometbft cometbft
install_one kubo "$KUBO_VERSION" github.com/ipfs/kubo cmd/ipfs ipfs

COMETBFT="$CACHE/cometbft-$COMETBFT_VERSION/cometbft"
IPFS="$CACHE/kubo-$KUBO_VERSION/ipfs"
cv=$("$COMETBFT" version) || { log "ERROR: $COMETBFT does not run"; exit 3; }
iv=$(IPFS_TELEMETRY=off "$IPFS" version) || { log "ERROR: $IPFS does not run"; exit 3; }
log "verified: cometbft $cv; $iv"
if [[ $PRINT == 1 ]]; then
  echo "COMETBFT=$COMETBFT"
  echo "IPFS=$IPFS"
fi

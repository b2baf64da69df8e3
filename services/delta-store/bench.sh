#!/usr/bin/env bash
# Delta-store throughput benchmark: HTTP API (local backend vs cp, kubo backend vs ipfs add/cat).
# Usage: services/delta-store/bench.sh [workDir] [sizes...]     e.g.  bench.sh /tmp 1MB 100MB 1GB
# Bounded and self-cleaning: everything goes to a temp dir under workDir (default /tmp) that is
# removed at the end; 1 GB is skipped when less than 10 GB are free there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-${TMPDIR:-/tmp}}"
shift || true
command -v curl >/dev/null || { echo "bench.sh needs curl" >&2; exit 2; }
echo "== free space in $work"
df -h "$work"
cd "$root"
mvn -o -q -B -pl services/delta-store -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >/dev/null
cp="$here/target/classes:$(cat "$here/target/bench.classpath")"
exec java -Xmx1g -Ddeltachain.repo.root="$root" -cp "$cp" io.deltachain.store.bench.DeltaStoreBench "$work" "$@"

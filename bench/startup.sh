#!/usr/bin/env bash
# Start-up time and RSS of the functions app (embedded profile): starts
# functions/target/quarkus-app/quarkus-run.jar N times on a fresh state dir, measures the time
# until GET / answers and the resident set size then (and after one seed run when --run is
# given). Loopback only; each JVM is stopped by its own pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/functions/target/quarkus-app/quarkus-run.jar"
[ -f "$jar" ] || { echo "startup.sh: build first: ./mvnw -pl functions -am package -DskipTests" >&2; exit 2; }
n="${1:-5}" port="${PORT:-18181}"
cds=()
# the class data archive ./relay server trains (functions/target/relay-server.jsa), when present and current
if [ -f "$here/functions/target/relay-server.jsa" ] && [ "$here/functions/target/relay-server.jsa" -nt "$jar" ]; then
  cds=(-XX:SharedArchiveFile="$here/functions/target/relay-server.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
for i in $(seq 1 "$n"); do
  state="$(mktemp -d)"
  t0=$(date +%s%N)
  java ${RELAY_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1} ${cds[@]+"${cds[@]}"} -Dquarkus.profile=embedded -Dquarkus.http.port="$port" \
    -Drelay.state-dir="$state" -jar "$jar" >"$state/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.02; done
  t1=$(date +%s%N)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  quarkus=$(grep -o 'started in [0-9.]*s' "$state/log" || true)
  printf 'run %d: ready in %d ms (Quarkus: %s), RSS %d MiB\n' "$i" $(( (t1 - t0) / 1000000 )) "$quarkus" $(( rss / 1024 ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$state"
done

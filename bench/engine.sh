#!/usr/bin/env bash
# The engine's JMH benchmarks: events/s on one core for chain, fan-out/fan-in and layered DAGs of
# 100, 1,000 and 10,000 tasks. By default PipelineEngineBenchmark (runner/src/test/java/dev/relay/
# runner/engine/PipelineEngineBenchmark.java: PipelineEngine, which RunController drives for every
# format; its score is whole runs/s, events/s = score x (tasks + 1); mode=advance is the controller's
# way per event, mode=walk a whole evaluation per event); a first argument not starting with "-" picks
# others by JMH's regex.
# Compiles the runner's tests (offline), then runs JMH; further arguments go to JMH, e.g.
#   bench/engine.sh -p tasks=10000 -wi 1 -i 3
# JMH never runs in `mvn verify`: the benchmarks are test sources that no test pattern matches.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
./mvnw -B -o -q test-compile -pl runner -am >&2
cp="$here/runner/target/cp-test.txt"
if [ ! -f "$cp" ] || [ "$here/runner/pom.xml" -nt "$cp" ]; then
  ./mvnw -B -o -q dependency:build-classpath -pl runner -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >&2
fi
which="PipelineEngineBenchmark"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then which="$1"; shift; fi
exec java -cp "$here/runner/target/test-classes:$here/runner/target/classes:$(cat "$cp")" \
  org.openjdk.jmh.Main "$which" -jvmArgs "-Xss512k" "$@"

#!/usr/bin/env bash
# The engine's JMH benchmark (runner/src/test/java/dev/relay/runner/engine/EngineBenchmark.java):
# events/s on one core for chain, fan-out/fan-in and layered DAGs of 100, 1,000 and 10,000 tasks.
# Compiles the runner's tests (offline), then runs JMH; extra arguments go to JMH, e.g.
#   bench/engine.sh -p tasks=10000 -wi 1 -i 3
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
./mvnw -B -o -q test-compile -pl runner -am >&2
cp="$here/runner/target/cp-test.txt"
if [ ! -f "$cp" ] || [ "$here/runner/pom.xml" -nt "$cp" ]; then
  ./mvnw -B -o -q dependency:build-classpath -pl runner -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >&2
fi
exec java -cp "$here/runner/target/test-classes:$here/runner/target/classes:$(cat "$cp")" \
  org.openjdk.jmh.Main EngineBenchmark -jvmArgs "-Xss512k" "$@"

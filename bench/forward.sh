#!/usr/bin/env bash
# Ferry as a forward proxy (pass-through) side by side with Squid and LittleProxy,
# using the shared harness (../shared/bench). Extra arguments go to run.sh:
#
#   bench/forward.sh               # /small and /large, 3 rounds of 10 s each
#   bench/forward.sh -d 20 -r 5    # longer runs
#   bench/forward.sh --pin -w 1    # servers on CPU 0, wrk on CPU 1
#
# Environment: BENCH_HOME (the harness, default ../shared/bench from the project
# root), BENCH_RESULTS (default bench/results), FERRY_JAVA_OPTS (JVM flags of
# Ferry; the harness default is a fixed 512 MiB heap), FERRY_FORWARD_CONF.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

BENCH_HOME=${BENCH_HOME:-../shared/bench}
[[ -x $BENCH_HOME/run.sh ]] || { echo "no benchmark harness at $BENCH_HOME (set BENCH_HOME)" >&2; exit 2; }

if [[ ! -f target/ferry.jar ]]; then
  echo "building target/ferry.jar" >&2
  ./mvnw -q -B -DskipTests package
elif [[ -n $(find src/main pom.xml -newer target/ferry.jar -print -quit) ]]; then
  echo "note: target/ferry.jar is older than the sources; rebuild with ./mvnw -q -B -DskipTests package" >&2
fi

export FERRY_JAR=$PWD/target/ferry.jar
export BENCH_RESULTS=${BENCH_RESULTS:-$PWD/bench/results}
mkdir -p "$BENCH_RESULTS"

exec "$BENCH_HOME/run.sh" -t ferry-fwd -p /small,/large -r 3 -l ferry-fwd "$@"

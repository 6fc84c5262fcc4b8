#!/usr/bin/env bash
# Runs one of the harness's Ferry groups (../shared/bench) from the project root:
#
#   bench/ferry.sh ferry-fwd   [run.sh args...]   # forward proxy vs Squid and LittleProxy
#   bench/ferry.sh ferry-pass  [run.sh args...]   # reverse proxy vs nginx and HAProxy
#   bench/ferry.sh ferry-cache [run.sh args...]   # cache hits vs nginx proxy_cache and Varnish
#
# Defaults: /small and /large, 3 rounds of 10 s. Environment: BENCH_HOME (the harness, default
# ../shared/bench), BENCH_RESULTS (default bench/results), FERRY_JAVA_OPTS (Ferry's JVM flags; the
# harness default is a fixed 512 MiB heap), FERRY_FORWARD_CONF / FERRY_REVERSE_CONF / FERRY_CACHE_CONF.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
group=${1:?usage: bench/ferry.sh GROUP [run.sh args...]}
shift

BENCH_HOME=${BENCH_HOME:-../shared/bench}
[[ -x $BENCH_HOME/run.sh ]] || { echo "no benchmark harness at $BENCH_HOME (set BENCH_HOME)" >&2; exit 2; }

if [[ ! -f target/ferry.jar ]]; then
  echo "building target/ferry.jar" >&2
  ./mvnw -q -B -DskipTests package
elif [[ -n $(find src/main pom.xml -newer target/ferry.jar -print -quit) ]]; then
  echo "note: target/ferry.jar is older than the sources; rebuild with ./mvnw -q -B -DskipTests package" >&2
fi

export FERRY_JAR=$PWD/target/ferry.jar
# Ferry gets as many event loops as the peers get workers (run.sh -w): these configs say so.
export FERRY_REVERSE_CONF=${FERRY_REVERSE_CONF:-$PWD/bench/conf/ferry-reverse.yaml}
export FERRY_FORWARD_CONF=${FERRY_FORWARD_CONF:-$PWD/bench/conf/ferry-forward.yaml}
export FERRY_CACHE_CONF=${FERRY_CACHE_CONF:-$PWD/bench/conf/ferry-cache.yaml}
export BENCH_RESULTS=${BENCH_RESULTS:-$PWD/bench/results}
mkdir -p "$BENCH_RESULTS"

exec "$BENCH_HOME/run.sh" -t "$group" -p /small,/large -r 3 -l "$group" "$@"

#!/usr/bin/env bash
# What Redis costs (issue 6), with a redis-server of its own on a free port:
#
#   1. req/s of cache hits served from the Redis tier alone (memory tier off), next to nginx
#      proxy_cache and Varnish serving from memory: -t ferry-cache,nginx-cache,varnish, /small and /large;
#   2. the cost of a local and of a shared rate limit against none: Ferry against itself, pinned
#      (ferry = no limit, ferry-cache = the same proxy with a limit), /small. The harness reads
#      "ferry-cache" as its group, so direct, nginx-cache and Varnish run alongside; compare
#      the two Ferry rows.
#
# Extra arguments go to every run.sh call (e.g. -r 5). Environment as for bench/ferry.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v redis-server >/dev/null || { echo "bench/redis.sh needs redis-server" >&2; exit 2; }
REDIS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export REDIS_PORT
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning &
redis_pid=$!
trap 'kill $redis_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

conf=$PWD/bench/conf
FERRY_CACHE_CONF=$conf/ferry-cache-redis.yaml \
  bench/ferry.sh ferry-cache -t ferry-cache,nginx-cache,varnish -l redis-tier-hits "$@"
FERRY_CACHE_CONF=$conf/ferry-ratelimit-local.yaml \
  bench/ferry.sh ferry-pass -t ferry,ferry-cache -p /small --pin -w 1 -l ratelimit-local "$@"
FERRY_CACHE_CONF=$conf/ferry-ratelimit-shared.yaml \
  bench/ferry.sh ferry-pass -t ferry,ferry-cache -p /small --pin -w 1 -l ratelimit-shared "$@"

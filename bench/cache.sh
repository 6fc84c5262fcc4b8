#!/usr/bin/env bash
# Ferry's caching reverse proxy (cache hits) next to nginx proxy_cache and Varnish (see bench/README.md).
exec "$(dirname "${BASH_SOURCE[0]}")/ferry.sh" ferry-cache "$@"

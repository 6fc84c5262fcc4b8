#!/usr/bin/env bash
# Ferry's pass-through reverse proxy next to nginx and HAProxy (see bench/README.md).
exec "$(dirname "${BASH_SOURCE[0]}")/ferry.sh" ferry-pass "$@"

#!/usr/bin/env bash
# Ferry's forward proxy next to Squid and LittleProxy (see bench/README.md).
exec "$(dirname "${BASH_SOURCE[0]}")/ferry.sh" ferry-fwd "$@"

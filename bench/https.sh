#!/usr/bin/env bash
# HTTPS: Ferry terminating TLS next to nginx terminating TLS, both proxying to the same plain
# origin over keep-alive connections (see bench/README.md).
#
#   bench/https.sh [run.sh args...]     # = run.sh -t ferry-tls -p /small,/large -r 3 --subjects ferry-tls
#
# The shared harness (../shared/bench) speaks plain HTTP only, so this assembles a copy of it in a
# temporary folder: its run.sh with the URL scheme taken per target (T_SCHEME, 2 lines changed),
# its targets.sh plus bench/tls/targets.sh, its conf/ plus bench/conf/{nginx,ferry}-tls.*. The
# certificate (ECDSA P-256, localhost and 127.0.0.1) is made with `ferry cert` for each run.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_HOME=${BENCH_HOME:-../shared/bench}
[[ -x $BENCH_HOME/run.sh ]] || { echo "no benchmark harness at $BENCH_HOME (set BENCH_HOME)" >&2; exit 2; }
BENCH_SHARED=$(cd "$BENCH_HOME" && pwd)
export BENCH_SHARED

if [[ ! -f target/ferry.jar ]]; then
  echo "building target/ferry.jar" >&2
  ./mvnw -q -B -DskipTests package
elif [[ -n $(find src/main pom.xml -newer target/ferry.jar -print -quit) ]]; then
  echo "note: target/ferry.jar is older than the sources; rebuild with ./mvnw -q -B -DskipTests package" >&2
fi
export FERRY_JAR=$PWD/target/ferry.jar
export BENCH_RESULTS=${BENCH_RESULTS:-$PWD/bench/results}
mkdir -p "$BENCH_RESULTS"

harness=$(mktemp -d "${TMPDIR:-/tmp}/ferry-https-bench.XXXXXX")
trap 'rm -rf "$harness"' EXIT
chmod 0755 "$harness"
mkdir "$harness/conf" "$harness/cert"
for f in "$BENCH_SHARED"/conf/*; do ln -s "$f" "$harness/conf/$(basename "$f")"; done
cp bench/conf/nginx-tls.conf bench/conf/ferry-tls.yaml "$harness/conf/"
ln -s "$BENCH_SHARED/wrk" "$harness/wrk"
ln -s "$BENCH_SHARED/peers" "$harness/peers"
cp bench/tls/targets.sh "$harness/targets.sh"
# The scheme of each target's URL (curl's smoke check and wrk), http unless T_SCHEME says https.
sed 's|"http://127.0.0.1:\$port\$path"|"${T_SCHEME[$name]:-http}://127.0.0.1:$port$path"|' \
  "$BENCH_SHARED/run.sh" >"$harness/run.sh"
chmod +x "$harness/run.sh"
patched=$(grep -c 'T_SCHEME\[\$name\]:-http' "$harness/run.sh" || true)
[[ $patched == 2 ]] || { echo "could not adapt $BENCH_SHARED/run.sh for https ($patched of 2 places)" >&2; exit 2; }

java -jar "$FERRY_JAR" cert --host localhost --host 127.0.0.1 --out "$harness/cert" >/dev/null
chmod 0644 "$harness/cert/localhost.key"   # nginx reads it as root; the folder is private to this run
export TLS_CERT=$harness/cert/localhost.pem TLS_KEY=$harness/cert/localhost.key
export CURL_CA_BUNDLE=$TLS_CERT

"$harness/run.sh" -t ferry-tls -p /small,/large -r 3 -l ferry-tls --subjects ferry-tls "$@"

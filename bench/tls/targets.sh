# HTTPS targets, added to the harness's own (sourced by the patched run.sh that bench/https.sh
# assembles). T_SCHEME tells the patched run.sh to use https:// for a target; curl trusts the
# bench certificate through CURL_CA_BUNDLE, wrk does not verify.
# shellcheck source=/dev/null
source "$BENCH_SHARED/targets.sh"
declare -A T_SCHEME=()
target nginx-tls 18095 reverse 'nginx -c "$(render nginx-tls.conf)"'
T_SCHEME[nginx-tls]=https
target ferry-tls 18096 reverse 'java $FERRY_JAVA_OPTS -jar "$FERRY_JAR" run -c "$(render "${FERRY_TLS_CONF:-ferry-tls.yaml}")"' warmup=30 needs='test -f "$FERRY_JAR"'
T_SCHEME[ferry-tls]=https
group ferry-tls direct nginx-tls ferry-tls

# shellcheck shell=bash disable=SC2015
# (SC2015: `test && check_ok || check_fail` is safe, check_ok always succeeds.)
# End-to-end smoke checks for `scripts/services.sh check`: talks to the running servers the
# way the project does (ES REST, S3 SigV4, MQTT with the real users/ACL) and cleans up after
# itself. Sourced by services.sh, which provides the config variables and say/die helpers.

CHECK_FAILS=0
check_ok()   { say "  ok   $*"; }
check_fail() { say "  FAIL $*"; CHECK_FAILS=$((CHECK_FAILS + 1)); }

need_curl() {
  command -v curl >/dev/null && return 0
  say "check: installing curl (needed for the HTTP checks)"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q --no-install-recommends curl >/dev/null \
    || die "curl is missing and could not be installed"
}

check_es() {
  local base=http://127.0.0.1:$NCE_ES_PORT index=nce-smoke-$RANDOM$RANDOM out
  say "check es: $base"
  out=$(curl -sS -m 10 "$base/_cluster/health") || { check_fail "es: no answer"; return; }
  if grep -qE '"status":"(green|yellow)"' <<<"$out"; then check_ok "cluster health $(grep -o '"status":"[a-z]*"' <<<"$out")"
  else check_fail "cluster health: $out"; fi
  curl -sS -m 10 -XPUT "$base/$index" -H 'content-type: application/json' \
    -d '{"settings":{"number_of_shards":1,"number_of_replicas":0}}' >/dev/null
  curl -sS -m 10 -XPUT "$base/$index/_doc/1?refresh=true" -H 'content-type: application/json' \
    -d '{"site":"site-demo","event":"OPEN_BURNING","score":0.9}' >/dev/null
  out=$(curl -sS -m 10 "$base/$index/_doc/1")
  if grep -q '"event":"OPEN_BURNING"' <<<"$out"; then check_ok "index + read back a document"
  else check_fail "document round trip: $out"; fi
  out=$(curl -sS -m 10 "$base/$index/_search?q=site:site-demo")
  if grep -q '"total":{"value":1' <<<"$out"; then check_ok "search finds it"
  else check_fail "search: $out"; fi
  curl -sS -m 10 -XDELETE "$base/$index" >/dev/null
}

# curl 7.88 (Debian 12) signs SigV4 but does not send x-amz-content-sha256, which S3 needs.
s3_curl() {
  local sha=$1; shift
  curl -sS -m 20 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$NCE_S3_ACCESS_KEY:$NCE_S3_SECRET_KEY" \
    -H "x-amz-content-sha256: $sha" "$@"
}

check_s3() {
  local base=http://127.0.0.1:$NCE_S3_PORT bucket=nce-smoke-$RANDOM$RANDOM code tmp
  local empty; empty=$(printf '' | sha256sum | cut -d' ' -f1)
  tmp=$(mktemp -d)
  say "check s3: $base"
  code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "$base/")
  [[ $code == 403 ]] && check_ok "anonymous request refused (403)" || check_fail "anonymous request got $code"
  code=$(s3_curl "$empty" -o /dev/null -w '%{http_code}' -X PUT "$base/$bucket")
  [[ $code == 200 ]] && check_ok "create bucket $bucket" || check_fail "create bucket got $code"
  head -c 300000 /dev/urandom > "$tmp/frame.jpg"
  code=$(s3_curl "$(sha256sum "$tmp/frame.jpg" | cut -d' ' -f1)" -o /dev/null -w '%{http_code}' \
    -H 'content-type: image/jpeg' -T "$tmp/frame.jpg" "$base/$bucket/site-demo/cam1/frame.jpg")
  [[ $code == 200 ]] && check_ok "PUT 300 kB object" || check_fail "PUT object got $code"
  s3_curl "$empty" -o "$tmp/back.jpg" "$base/$bucket/site-demo/cam1/frame.jpg" || true
  cmp -s "$tmp/frame.jpg" "$tmp/back.jpg" && check_ok "GET returns the same bytes" || check_fail "GET differs"
  code=$(curl -sS -m 10 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$NCE_S3_ACCESS_KEY:wrong-secret" \
    -H "x-amz-content-sha256: $empty" -o /dev/null -w '%{http_code}' "$base/$bucket/site-demo/cam1/frame.jpg")
  [[ $code == 403 ]] && check_ok "wrong secret refused (403)" || check_fail "wrong secret got $code"
  s3_curl "$empty" -o /dev/null -X DELETE "$base/$bucket/site-demo/cam1/frame.jpg" || true
  s3_curl "$empty" -o /dev/null -X DELETE "$base/$bucket" || true
  rm -rf "$tmp"
}

# True when a QoS 1 MQTT v5 publish comes back "not authorized".
refused_v5() {
  local msg
  local pw=$1; shift
  msg=$(mosquitto_pub -h 127.0.0.1 -p "$NCE_MQTT_PORT" -P "$pw" -V mqttv5 -q 1 "$@" 2>&1) || true
  grep -qi 'not authori' <<<"$msg"
}

check_mqtt() {
  local run=$RANDOM$RANDOM out sub_pid
  local -a conn=(-h 127.0.0.1 -p "$NCE_MQTT_PORT")
  local site_a site_b
  read -r site_a site_b _ <<<"$NCE_MQTT_SITES"
  site_b=${site_b:-other-site}
  out=$(mktemp)
  say "check mqtt: 127.0.0.1:$NCE_MQTT_PORT (site $site_a, foreign site $site_b)"
  # The pipeline user listens to everything under nce/ and records what actually arrives.
  mosquitto_sub "${conn[@]}" -u nce-pipeline -P "$NCE_MQTT_PASSWORD" -i "nce-check-$run" -q 1 -t 'nce/#' -F '%t %p' > "$out" 2>&1 &
  sub_pid=$!
  sleep 1
  mosquitto_pub "${conn[@]}" -u "$site_a" -P "$NCE_MQTT_GATEWAY_PASSWORD" -q 1 -t "nce/$site_a/check" -m "own-$run" \
    && check_ok "$site_a may publish to nce/$site_a/#" || check_fail "$site_a publish to own site failed"
  # With MQTT v5 the broker reports the ACL refusal in the PUBACK reason code (v3.1.1 clients
  # are told nothing; the message is just dropped). mosquitto_pub only warns, exit status 0.
  if refused_v5 "$NCE_MQTT_GATEWAY_PASSWORD" -u "$site_a" -t "nce/$site_b/check" -m "foreign-$run"; then
    check_ok "$site_a refused on nce/$site_b/# (not authorized)"
  else check_fail "$site_a publish to nce/$site_b was not refused"; fi
  if refused_v5 "$NCE_MQTT_PASSWORD" -u nce-pipeline -t "nce/$site_a/check" -m "pipeline-$run"; then
    check_ok "nce-pipeline cannot publish"
  else check_fail "nce-pipeline publish was not refused"; fi
  mosquitto_pub -h 127.0.0.1 -p "$NCE_MQTT_PORT" -u "$site_a" -P wrong-password -t "nce/$site_a/check" -m x 2>/dev/null \
    && check_fail "wrong password accepted" || check_ok "wrong password refused"
  # A QoS 0 publish exits 0 once connected (the ACL drops it silently), non-zero if the login is refused.
  mosquitto_pub -h 127.0.0.1 -p "$NCE_MQTT_PORT" -u nce-pipeline -P "$NCE_MQTT_GATEWAY_PASSWORD" -t "nce/$site_a/check" -m x 2>/dev/null \
    && check_fail "a gateway's password logs in as nce-pipeline" || check_ok "a gateway's password is not the pipeline's"
  mosquitto_pub -h 127.0.0.1 -p "$NCE_MQTT_PORT" -t "nce/$site_a/check" -m x 2>/dev/null \
    && check_fail "anonymous client accepted" || check_ok "anonymous client refused"
  mosquitto_pub "${conn[@]}" -u nce-admin -P "$NCE_MQTT_ADMIN_PASSWORD" -q 1 -t "nce/check/end" -m "end-$run"
  for _ in $(seq 1 40); do grep -q "end-$run" "$out" && break; sleep 0.25; done
  kill "$sub_pid" 2>/dev/null; wait "$sub_pid" 2>/dev/null || true
  grep -q "own-$run" "$out" && check_ok "nce-pipeline received the site's message" \
    || check_fail "nce-pipeline did not receive nce/$site_a/check ($(head -c 300 "$out"))"
  if grep -qE "(foreign|pipeline)-$run" "$out"; then check_fail "a refused publish was delivered"
  else check_ok "refused publishes were not delivered"; fi
  rm -f "$out"
}

# Runs the checks for the given services; fails if any check failed.
check_services() {
  local s
  need_curl
  for s in "$@"; do
    svc_pid "$s" >/dev/null || { check_fail "$s is not running (start it first)"; continue; }
    "check_$s"
  done
  if (( CHECK_FAILS > 0 )); then die "$CHECK_FAILS check(s) failed"; fi
  say "all checks passed"
}

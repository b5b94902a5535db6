#!/usr/bin/env bash
# Takes docs/hawtio-routes.png: Hawtio 4.2.0 showing this product's Camel routes (docs/MONITORING.md).
# Not part of `mvn verify`. Needs Java 17, Maven, Node.js/npm and Chromium (Debian: apt-get install -y chromium).
#   scripts/hawtio-screenshot.sh [OUT.png]
# 1. packages the jar if missing and starts it in a work folder with its 16 demo stores, the API and the
#    management server on free ports (loopback only);
# 2. runs one window through the control API, so the routes have counters;
# 3. starts io.hawt:hawtio-war:4.2.0 in Jetty 12 (ee10) on a free port (scripts/hawtio/HawtioServer.java);
# 4. drives headless Chromium with playwright-core (no browser download) to the routes and saves the PNG.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${1:-$ROOT/docs/hawtio-routes.png}
WORK=$(mktemp -d /tmp/fluxion-hawtio.XXXXXX)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
wait_http() { # url seconds
  for _ in $(seq 1 "$2"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  echo "no answer from $1 after $2 s" >&2; return 1
}

[ -x "$CHROMIUM" ] || { echo "Chromium not found at $CHROMIUM (apt-get install -y chromium)" >&2; exit 1; }
[ -f target/fluxion-orchestrator.jar ] || mvn -B -q -DskipTests package

echo "== Hawtio 4.2.0 war, Jetty 12 and playwright-core into $WORK"
mvn -B -q -f scripts/hawtio/pom.xml dependency:copy-dependencies -DoutputDirectory="$WORK/lib"
mvn -B -q -f scripts/hawtio/pom.xml dependency:copy -Dartifact=io.hawt:hawtio-war:4.2.0:war -DoutputDirectory="$WORK"
npm install --silent --no-audit --no-fund --prefix "$WORK/node" playwright-core@1 >/dev/null

API=$(free_port); MGMT=$(free_port); HAWTIO=$(free_port)
TOKEN=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)

echo "== Fluxion (demo stores) on API port $API, management port $MGMT"
mkdir -p "$WORK/app"
(cd "$WORK/app" && FLUXION_API_TOKEN=$TOKEN exec java -Xmx512m -Dfluxion.log-dir="$WORK/app/logs" \
   -Dcamel.server.port="$API" -Dcamel.management.port="$MGMT" -Dfluxion.klk.enabled=false \
   -jar "$ROOT/target/fluxion-orchestrator.jar" > "$WORK/app.out" 2>&1) &
PIDS+=($!)
wait_http "http://127.0.0.1:$API/maintenance-status" 120
# 202: a window for yesterday starts; 409: one already runs (the start-up catch-up of the demo's missing days)
echo "trigger: HTTP $(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$API/api/etl/scheduler/trigger")"
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$API/api/etl/scheduler/status" | grep -q '"is_running":false' && break; sleep 1
done

echo "== Hawtio on http://127.0.0.1:$HAWTIO/hawtio"
java -Dhawtio.authenticationEnabled=false -Dhawtio.proxyAllowlist=localhost,127.0.0.1 \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$WORK/lib/*" scripts/hawtio/HawtioServer.java \
  "$WORK/hawtio-war-4.2.0.war" "$HAWTIO" > "$WORK/hawtio.out" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$HAWTIO/hawtio/" 120

echo "== screenshot"
PLAYWRIGHT_DIR="$WORK/node/node_modules" CHROMIUM="$CHROMIUM" \
  node scripts/hawtio/screenshot.mjs "http://127.0.0.1:$HAWTIO/hawtio" "$MGMT" "$OUT"
echo "done: $OUT (work folder $WORK)"

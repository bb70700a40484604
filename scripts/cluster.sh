#!/usr/bin/env bash
# A whole Dossier cluster on one machine, for trying the scale-out path and for its tests:
# PostgreSQL (Prefect's database and the store), a Prefect server on it, the work pools, the
# deployments, the zombie-run automation, N workers (each its own DOSSIER_HOME, as if on its
# own machine; they share only the database and the archive) and one batch worker.
#
#   scripts/cluster.sh up [N]     start everything (N workers, default 2) and print health
#   scripts/cluster.sh status     health of each part
#   scripts/cluster.sh env        the variables a client (dossier intake --fan-out) needs
#   scripts/cluster.sh down       stop everything (data stays in $DOSSIER_CLUSTER_DIR)
#
# Settings (environment): DOSSIER_CLUSTER_DIR (default ./.cluster), DOSSIER_CLUSTER_PG_PORT
# (55432), DOSSIER_CLUSTER_API_PORT (4200), DOSSIER_ARCHIVE_URL (default file://$DIR/archive;
# s3://bucket/prefix with the AWS_* variables for machines that share no disk).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DIR=$(mkdir -p "${DOSSIER_CLUSTER_DIR:-$REPO/.cluster}" && cd "${DOSSIER_CLUSTER_DIR:-$REPO/.cluster}" && pwd)
PG_PORT=${DOSSIER_CLUSTER_PG_PORT:-55432}
API_PORT=${DOSSIER_CLUSTER_API_PORT:-4200}
PY=${PYTHON:-$REPO/.venv/bin/python}
BIN=$(dirname "$PY")
ARCHIVE_URL=${DOSSIER_ARCHIVE_URL:-file://$DIR/archive}
API_URL="http://127.0.0.1:$API_PORT/api"
STORE_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/dossier"
PREFECT_DB_URL="postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/prefect"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

client_env() {
  export PREFECT_API_URL="$API_URL" DATABASE_URL="$STORE_URL" DOSSIER_ARCHIVE_URL="$ARCHIVE_URL" DOSSIER_REPO="$REPO"
  export PREFECT_HOME="$DIR/client-prefect"
}

start_pg() {
  local bin; bin=$(pg_bin)
  if [ ! -f "$DIR/pg/PG_VERSION" ]; then
    mkdir -p "$DIR/pg"; [ "$(id -u)" = 0 ] && chown postgres "$DIR/pg" && chmod 700 "$DIR/pg"
    as_pg "$bin/initdb" -D "$DIR/pg" -U postgres -A trust -E UTF8 --locale=C >"$DIR/pg-init.log"
  fi
  if ! as_pg "$bin/pg_ctl" -D "$DIR/pg" status >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] && touch "$DIR/pg.log" && chown postgres "$DIR/pg.log"
    as_pg "$bin/pg_ctl" -D "$DIR/pg" -l "$DIR/pg.log" -w \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=200" start >/dev/null
  fi
  for db in prefect dossier; do
    as_pg "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
      || as_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db"
  done
}

start_server() {
  alive "$DIR/server.pid" && return 0
  mkdir -p "$DIR/server-prefect"
  # setsid: its own process group, so `down` (and a test) can stop it with everything it spawned.
  PREFECT_HOME="$DIR/server-prefect" PREFECT_API_DATABASE_CONNECTION_URL="$PREFECT_DB_URL" \
    PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_UI_ENABLED=false \
    setsid "$BIN/prefect" server start --host 127.0.0.1 --port "$API_PORT" >>"$DIR/server.log" 2>&1 &
  echo $! >"$DIR/server.pid"
  for _ in $(seq 1 120); do
    curl -fsS "$API_URL/health" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "cluster: the Prefect server did not answer on $API_URL (see $DIR/server.log)" >&2
  return 1
}

set_up_pools() {
  client_env
  cd "$REPO"
  "$BIN/prefect" work-pool inspect dossier >/dev/null 2>&1 || "$BIN/prefect" work-pool create dossier --type process >/dev/null
  "$BIN/prefect" work-pool inspect dossier-batch >/dev/null 2>&1 || "$BIN/prefect" work-pool create dossier-batch --type process >/dev/null
  "$BIN/prefect" --no-prompt deploy --all >"$DIR/deploy.log" 2>&1
  "$PY" -m flows.cli doctor --install-automation >>"$DIR/deploy.log" 2>&1
}

start_worker() {  # name pool limit
  local name=$1 pool=$2 limit=$3
  alive "$DIR/$name.pid" && return 0
  mkdir -p "$DIR/$name"
  # Each worker its own DOSSIER_HOME (OCR cache, page images, fetched originals): as on its
  # own machine. Heartbeats let the automation mark a run whose worker died as Crashed.
  env PREFECT_API_URL="$API_URL" PREFECT_HOME="$DIR/$name/prefect" DOSSIER_HOME="$DIR/$name" \
    DATABASE_URL="$STORE_URL" DOSSIER_ARCHIVE_URL="$ARCHIVE_URL" DOSSIER_REPO="$REPO" \
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY=30 DOSSIER_OCR_THREADS=1 \
    setsid "$BIN/prefect" worker start --pool "$pool" --name "$name" --limit "$limit" >>"$DIR/$name.log" 2>&1 &
  echo $! >"$DIR/$name.pid"
}

status() {
  local ok=0
  as_pg "$(pg_bin)/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q && echo "postgresql  up   127.0.0.1:$PG_PORT" || { echo "postgresql  DOWN"; ok=1; }
  curl -fsS "$API_URL/health" >/dev/null 2>&1 && echo "prefect     up   $API_URL" || { echo "prefect     DOWN ($DIR/server.log)"; ok=1; }
  for pid in "$DIR"/*.pid; do
    [ -e "$pid" ] || continue
    local name; name=$(basename "$pid" .pid)
    [ "$name" = server ] && continue
    alive "$pid" && echo "$(printf '%-11s' "$name") up   pid $(cat "$pid")" || { echo "$(printf '%-11s' "$name") DOWN ($DIR/$name.log)"; ok=1; }
  done
  return $ok
}

stop_pidfile() {  # the whole process group (a worker and the flow runs it started); KILL if TERM is not enough
  local pid; pid=$(cat "$1" 2>/dev/null || true)
  if [ -n "$pid" ]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

case "${1:-status}" in
  up)
    n=${2:-2}
    start_pg
    start_server
    set_up_pools
    for i in $(seq 1 "$n"); do start_worker "worker-$i" dossier 1; done
    start_worker batch dossier-batch 4
    sleep 2
    status
    echo "client: eval \"\$(scripts/cluster.sh env)\"; dossier intake --fan-out FOLDER"
    ;;
  status) status ;;
  env)
    echo "export PREFECT_API_URL=$API_URL DATABASE_URL=$STORE_URL DOSSIER_ARCHIVE_URL=$ARCHIVE_URL DOSSIER_REPO=$REPO PREFECT_HOME=$DIR/client-prefect"
    ;;
  worker)  # start (again) one worker by name: scripts/cluster.sh worker worker-3
    start_worker "$2" dossier 1 ;;
  server)  # start (again) the server alone, e.g. after it was killed
    start_server ;;
  down)
    for pid in "$DIR"/*.pid; do [ -e "$pid" ] && stop_pidfile "$pid"; done
    as_pg "$(pg_bin)/pg_ctl" -D "$DIR/pg" -m fast stop >/dev/null 2>&1 || true
    echo "cluster: stopped (data kept in $DIR)"
    ;;
  *) echo "usage: scripts/cluster.sh up [N] | status | env | worker NAME | server | down" >&2; exit 2 ;;
esac

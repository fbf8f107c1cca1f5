#!/usr/bin/env bash
# Time to ready of `npm start` on a fresh clone.
#
#   scripts/time-to-ready.sh [ref] [runs]
#
# Clones this repository at `ref` (default HEAD: commit first, the clone only
# sees commits) into a temp dir, runs `npm ci`, then `runs` times (default 2):
# starts `npm start` (embedded PostgreSQL, free ports, the default environment
# otherwise), times it until GET /healthz answers 200, sends SIGTERM to the npm
# process only and times its exit. The first run includes the build and the
# initdb, later ones find both done. Reports anything left running (then kills
# it), times a no-op `npm run build`, and removes the clone.
set -euo pipefail

ref=${1:-HEAD}
runs=${2:-2}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/orion-ttr.XXXXXX")
chmod 755 "$work" # as root, the embedded PostgreSQL runs as the `postgres` user, who must reach .data/
npm_pid=
pg_data="$work/orion/.data/postgres"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
group_alive() { kill -0 -- "-$1" 2>/dev/null; }
postmaster_pid() { head -1 "$pg_data/postmaster.pid" 2>/dev/null || true; }

# Whatever is left (old refs leave node and PostgreSQL behind): the npm process group, then PostgreSQL.
stop_leftovers() {
  if [ -n "$npm_pid" ] && group_alive "$npm_pid"; then
    kill -TERM -- "-$npm_pid" 2>/dev/null || true
    for _ in $(seq 50); do group_alive "$npm_pid" || break; sleep 0.2; done
    kill -KILL -- "-$npm_pid" 2>/dev/null || true
  fi
  local pg
  pg=$(postmaster_pid)
  if [ -n "$pg" ] && kill -0 "$pg" 2>/dev/null; then
    kill -INT "$pg" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pg" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pg" 2>/dev/null || true
  fi
}
cleanup() {
  stop_leftovers
  rm -rf "$work"
}
trap cleanup EXIT

echo "cloning $repo at $ref into $work/orion"
git clone -q "$repo" "$work/orion"
git -C "$work/orion" checkout -q "$ref"
echo "commit: $(git -C "$work/orion" log -1 --format='%h %s')"
cd "$work/orion"

t0=$(now_ms)
npm ci --no-audit --no-fund --loglevel=error >"$work/npm-ci.log" 2>&1 || {
  cat "$work/npm-ci.log"
  exit 1
}
echo "npm ci: $(($(now_ms) - t0)) ms"

for run in $(seq "$runs"); do
  port=$(free_port)
  pg_port=$(free_port)
  log="$work/start-$run.log"
  t0=$(now_ms)
  # Own session and process group, as a container's PID 1 would be; setsid execs npm (same PID).
  env -u DATABASE_URL PORT="$port" EMBEDDED_PG_PORT="$pg_port" setsid npm start >"$log" 2>&1 &
  npm_pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; do
    if ! kill -0 "$npm_pid" 2>/dev/null; then
      echo "run $run: npm start exited before it was ready:"
      cat "$log"
      exit 1
    fi
    if [ $(($(now_ms) - t0)) -gt 300000 ]; then
      echo "run $run: not ready after 300 s"
      exit 1
    fi
    sleep 0.05
  done
  ready=$(($(now_ms) - t0))

  t1=$(now_ms)
  kill -TERM "$npm_pid"
  status=0
  wait "$npm_pid" || status=$?
  stopped=$(($(now_ms) - t1))
  sleep 0.2
  left=()
  group_alive "$npm_pid" && left+=("npm's group ($(pgrep -g "$npm_pid" -d, || true))")
  pg=$(postmaster_pid)
  [ -n "$pg" ] && kill -0 "$pg" 2>/dev/null && left+=("PostgreSQL $pg")
  echo "run $run: ready in $ready ms; SIGTERM to npm: exit status $status after $stopped ms;" \
    "left running: ${left[*]:-nothing}"
  stop_leftovers
  npm_pid=
done

t0=$(now_ms)
npm run -s build
echo "npm run build with the build up to date: $(($(now_ms) - t0)) ms"

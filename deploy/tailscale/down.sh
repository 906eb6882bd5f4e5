#!/usr/bin/env bash
# Leaves the tailnet and stops the userspace tailscaled that up.sh started. The node keeps its identity in
# TS_STATE_DIR, so the next up.sh (e.g. after a requeue) returns under the same name without a new auth key.
# TS_LOGOUT=1 also removes the node from the tailnet.
set -euo pipefail

state_dir=${TS_STATE_DIR:-./.tailscale-state}
tailscale=${TAILSCALE:-tailscale}
socket="$state_dir/tailscaled.sock"
pidfile="$state_dir/tailscaled.pid"

if [ -S "$socket" ]; then
  if [ "${TS_LOGOUT:-0}" = 1 ]; then
    "$tailscale" --socket="$socket" logout || true
  else
    "$tailscale" --socket="$socket" down || true
  fi
fi

if [ -f "$pidfile" ]; then
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "tailscaled (pid $pid) ignored SIGTERM; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
fi
rm -f "$socket"
echo "tailscale down" >&2

#!/usr/bin/env bash
# Starts Tailscale without root: tailscaled in userspace networking mode (no /dev/net/tun, no kernel module),
# state kept across SLURM jobs, then joins the tailnet under TS_HOSTNAME. Inbound TCP from the tailnet reaches
# services listening on this node (Hearth on PORT); outbound traffic to the tailnet goes through the SOCKS5 /
# HTTP proxy on TS_SOCKS5.
#
# Environment:
#   TS_AUTHKEY    auth key (needed the first time; later starts reuse the saved state); or TAILSCALE_AUTHKEY
#   TS_HOSTNAME   name on the tailnet            (default: hearth-<short host name>)
#   TS_STATE_DIR  state, socket, pid and log     (default: ./.tailscale-state)
#   TS_SOCKS5     proxy listen address           (default: localhost:1055)
#   TS_EXTRA_ARGS more `tailscale up` arguments  (e.g. "--advertise-tags=tag:hearth")
#   TAILSCALED, TAILSCALE  the binaries          (default: from PATH)
set -euo pipefail

state_dir=${TS_STATE_DIR:-./.tailscale-state}
hostname=${TS_HOSTNAME:-hearth-$(hostname -s)}
socks5=${TS_SOCKS5:-localhost:1055}
tailscaled=${TAILSCALED:-tailscaled}
tailscale=${TAILSCALE:-tailscale}
mkdir -p "$state_dir"
chmod 700 "$state_dir"
# absolute, so that the daemon's command line names its socket wherever it is asked about (hearth tailscale status)
state_dir=$(cd "$state_dir" && pwd)
socket="$state_dir/tailscaled.sock"
pidfile="$state_dir/tailscaled.pid"

if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  echo "tailscaled already running (pid $(cat "$pidfile"))" >&2
else
  rm -f "$socket"
  env -u TS_AUTHKEY -u TAILSCALE_AUTHKEY "$tailscaled" \
    --tun=userspace-networking \
    --statedir="$state_dir" \
    --socket="$socket" \
    --socks5-server="$socks5" \
    --outbound-http-proxy-listen="$socks5" \
    >>"$state_dir/tailscaled.log" 2>&1 &
  echo $! >"$pidfile"
  # wait for the control socket (up to ~15 s)
  for _ in $(seq 1 150); do
    [ -S "$socket" ] && break
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "tailscaled exited; see $state_dir/tailscaled.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  [ -S "$socket" ] || { echo "tailscaled did not create $socket; see $state_dir/tailscaled.log" >&2; exit 1; }
fi

up_args=(up --hostname="$hostname" --accept-dns=false)
keyfile=
authkey=${TS_AUTHKEY:-${TAILSCALE_AUTHKEY:-}}
if [ -n "$authkey" ]; then
  # through a file in the private state dir: a key on the command line is visible to every user of the node
  keyfile="$state_dir/authkey"
  (umask 077 && printf '%s' "$authkey" >"$keyfile")
  trap 'rm -f "$keyfile"' EXIT
  up_args+=(--auth-key="file:$keyfile")
fi
if [ -n "${TS_EXTRA_ARGS:-}" ]; then
  read -r -a extra <<<"$TS_EXTRA_ARGS"
  up_args+=("${extra[@]}")
fi
"$tailscale" --socket="$socket" "${up_args[@]}"

echo "tailscale up as $hostname (userspace networking)" >&2
echo "outbound to the tailnet: ALL_PROXY=socks5://$socks5 HTTP_PROXY=http://$socks5" >&2

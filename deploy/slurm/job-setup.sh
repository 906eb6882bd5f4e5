# Sourced by the batch scripts in this directory, in the repository root: loads .env (TS_AUTHKEY, MODEL_PATH,
# ...), makes logs/, and joins the tailnet (userspace mode, no root) when an auth key or saved state is there.
# Set HEARTH_TAILSCALE=0 to skip Tailscale.
# shellcheck shell=bash

if [ -f .env ]; then
  set -a
  # shellcheck source=/dev/null
  . ./.env
  set +a
fi
mkdir -p logs

echo "hearth: job ${SLURM_JOB_ID:-?} (${SLURM_JOB_NAME:-?}) on ${SLURMD_NODENAME:-$(hostname -s)}," \
  "nodes ${SLURM_JOB_NODELIST:-?}, restart ${SLURM_RESTART_COUNT:-0}" >&2

if [ "${HEARTH_TAILSCALE:-1}" != 0 ] && { [ -n "${TS_AUTHKEY:-}${TAILSCALE_AUTHKEY:-}" ] || [ -d "${TS_STATE_DIR:-.tailscale-state}" ]; }; then
  deploy/tailscale/up.sh
fi

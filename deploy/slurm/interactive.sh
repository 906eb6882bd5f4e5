#!/usr/bin/env bash
# Runs a profile interactively: deploy/slurm/interactive.sh PROFILE [--shell] [salloc options...]
# Takes the resources (GPUs, CPUs, memory, time, nodes, QoS) from the profile's batch script, allocates them with
# salloc and starts `./hearth serve --profile PROFILE` on the first node in a terminal (Ctrl-C drains and stops).
# --shell opens a login shell there instead (then e.g. deploy/tailscale/up.sh and ./hearth serve --profile ...).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
profile=${1:?usage: deploy/slurm/interactive.sh PROFILE [--shell] [salloc options...]}
shift
batch="$root/deploy/slurm/$profile.sbatch"
if [ ! -f "$batch" ]; then
  known=()
  for f in "$root"/deploy/slurm/*.sbatch; do
    f=${f##*/}
    known+=("${f%.sbatch}")
  done
  echo "no batch script for '$profile'; known: ${known[*]}" >&2
  exit 2
fi
shell=0
if [ "${1:-}" = --shell ]; then
  shell=1
  shift
fi

# the batch script's resource requests, less what only makes sense for a batch job
opts=()
while read -r _ opt _; do
  case $opt in
    --output=* | --error=* | --requeue | --signal=* | --open-mode=*) ;;
    *) opts+=("$opt") ;;
  esac
done < <(grep '^#SBATCH ' "$batch")

if [ "$shell" = 1 ]; then
  cmd=("${SHELL:-/bin/bash}" -l)
else
  cmd=("${HEARTH_BIN:-./hearth}" serve --profile "$profile")
fi
cd "$root"
exec "${SALLOC:-salloc}" "${opts[@]}" "$@" "${SRUN:-srun}" --nodes=1 --ntasks=1 --pty "${cmd[@]}"

#!/usr/bin/env bash
# Submits a profile's batch job from the repository root: deploy/slurm/submit.sh PROFILE [sbatch options...]
# (the logs/ directory must exist before sbatch opens logs/%x-%j.out).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
profile=${1:?usage: deploy/slurm/submit.sh PROFILE [sbatch options...]}
shift
script="$root/deploy/slurm/$profile.sbatch"
if [ ! -f "$script" ]; then
  known=()
  for f in "$root"/deploy/slurm/*.sbatch; do
    f=${f##*/}
    known+=("${f%.sbatch}")
  done
  echo "no batch script for '$profile'; known: ${known[*]}" >&2
  exit 2
fi
cd "$root"
mkdir -p logs
exec "${SBATCH:-sbatch}" "$@" "$script"

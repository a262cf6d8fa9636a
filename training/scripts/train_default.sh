#!/usr/bin/env bash
# Launches (or resumes) the default CPU training in the background until a UTC wall-clock time.
#   training/scripts/train_default.sh [UNTIL_HH:MM_UTC]   (default 20:20)
# Logs: training/runs/default/log.txt; checkpoints every 5 minutes in training/runs/default/checkpoints/.
set -euo pipefail
cd "$(dirname "$0")/.."
UNTIL="${1:-20:20}"
RUN=runs/default
minutes=$(( ( $(date -u -d "$UNTIL" +%s) - $(date -u +%s) ) / 60 ))
if (( minutes < 1 )); then echo "until $UNTIL UTC is already past" >&2; exit 1; fi
mkdir -p "$RUN"
resume=()
[[ -f "$RUN/checkpoints/latest.pt" ]] && resume=(--resume)
# jemalloc avoids glibc's page-fault storm on big batches; PASSIVE OpenMP threads do not spin on a
# shared 2-core machine.
export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
export MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
export OMP_WAIT_POLICY=PASSIVE
export PYTHONPATH=.
nohup nice -n 5 /usr/bin/python3 -m paintscape_train.train --config configs/default.json --out "$RUN" \
  "${resume[@]}" --device cpu --threads 2 --max-minutes "$minutes" >> "$RUN/log.txt" 2>&1 &
echo $! > "$RUN/train.pid"
echo "started pid $! for $minutes minutes (until $UNTIL UTC): tail -f training/$RUN/log.txt"

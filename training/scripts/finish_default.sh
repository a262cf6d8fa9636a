#!/usr/bin/env bash
# Exports the default training run's latest checkpoint to models/landscape (+ evaluation).
#   training/scripts/finish_default.sh [EVAL_MAPS]    (default 100; 0 skips the evaluation)
# If the training is still running it is stopped first (SIGTERM → checkpoint) when
# STOP_TRAINING=1, otherwise the latest checkpoint is exported while it keeps going.
# The evaluation trains its segmenter once (cached in training/.cache/segmenter/).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN=training/runs/default
EVAL_MAPS="${1:-100}"
PID_FILE="$RUN/train.pid"
if [[ "${STOP_TRAINING:-0}" == 1 && -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  pid=$(cat "$PID_FILE")
  echo "stopping training pid $pid (SIGTERM; it saves a checkpoint)"
  kill -TERM "$pid"
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
fi
if [[ ! -f packages/model-cli/dist/cli.js ]]; then
  pnpm --filter @paintscape/model-cli... build
fi
export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
export MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1
export OMP_WAIT_POLICY=PASSIVE
PYTHONPATH=training /usr/bin/python3 -m paintscape_train.export --run "$RUN" --out models/landscape \
  --eval-maps "$EVAL_MAPS" 2>&1 | tee "$RUN/export-log.txt"
ls -la models/landscape

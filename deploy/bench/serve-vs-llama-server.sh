#!/usr/bin/env bash
# Serves one GGUF file with `hearth serve` and with llama.cpp's `llama-server --parallel 4`, drives each with
# `hearth bench serve` (one server busy at a time: they would share the cores) and prints a markdown table:
#   - output throughput with 1 and with 4 concurrent streams (random prompts, fixed output length, ignore_eos): prefill
#     and decode mixed;
#   - aggregate decode throughput of 4 concurrent streams: short prompts (DECODE_PROMPT_LEN, 8 tokens) and long outputs
#     (DECODE_OUTPUT_LEN, 256 tokens), so nearly all the time is batched decoding (Hearth's target: >= 1.2x). With both
#     servers up (the idle one uses no CPU), DECODE_ROUNDS runs alternate between them and the medians are compared,
#     so that a change in the shared host's speed during the script weighs on both sides alike;
#   - a ~1000-token prompt prefix (a system prompt) repeated over sequential requests: TTFT of the first (cold) request
#     against the median of the later ones, which a prefix cache should serve (Hearth's target: <= 20 %).
# Not part of the test suite.
#
#   deploy/bench/serve-vs-llama-server.sh --model FILE [--llama-server PATH] [--threads N] [--ctx N]
#                                         [--requests N] [--prompt-len N] [--output-len N] [--prefix-len N]
#
# Every option also comes from the environment: MODEL, LLAMA_SERVER, THREADS (default 2), CTX (tokens per sequence,
# default 2048), REQUESTS (per concurrency-1 run; x4 for concurrency 4; default 8), PROMPT_LEN (128), OUTPUT_LEN (128),
# PREFIX_LEN (1000), PREFIX_REQUESTS (6), DECODE_PROMPT_LEN (8), DECODE_OUTPUT_LEN (256), DECODE_ROUNDS (3),
# SEED (1234). KEEP=1 keeps the work directory with logs and JSON results.
# Everything binds 127.0.0.1.
set -euo pipefail

MODEL=${MODEL:-}
LLAMA_SERVER=${LLAMA_SERVER:-}
THREADS=${THREADS:-2}
CTX=${CTX:-2048}
REQUESTS=${REQUESTS:-8}
PROMPT_LEN=${PROMPT_LEN:-128}
OUTPUT_LEN=${OUTPUT_LEN:-128}
PREFIX_LEN=${PREFIX_LEN:-1000}
PREFIX_REQUESTS=${PREFIX_REQUESTS:-6}
DECODE_PROMPT_LEN=${DECODE_PROMPT_LEN:-8}
DECODE_OUTPUT_LEN=${DECODE_OUTPUT_LEN:-256}
DECODE_ROUNDS=${DECODE_ROUNDS:-3}
SEED=${SEED:-1234}
PARALLEL=4

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --model) MODEL=$2; shift 2 ;;
    --llama-server) LLAMA_SERVER=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --ctx) CTX=$2; shift 2 ;;
    --requests) REQUESTS=$2; shift 2 ;;
    --prompt-len) PROMPT_LEN=$2; shift 2 ;;
    --output-len) OUTPUT_LEN=$2; shift 2 ;;
    --prefix-len) PREFIX_LEN=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 >&2 ;;
  esac
done
[ -n "$MODEL" ] || { echo "--model FILE (or MODEL=FILE) is required" >&2; exit 2; }
[ -f "$MODEL" ] || { echo "no such model file: $MODEL" >&2; exit 2; }
MODEL=$(readlink -f "$MODEL")
if [ -z "$LLAMA_SERVER" ]; then LLAMA_SERVER=$(command -v llama-server || true); fi
if [ -z "$LLAMA_SERVER" ] || [ ! -x "$LLAMA_SERVER" ]; then
  echo "llama-server not found: give --llama-server PATH (or LLAMA_SERVER)" >&2
  exit 2
fi
if (( PREFIX_LEN + 16 > CTX )); then echo "--ctx $CTX cannot hold the $PREFIX_LEN-token prefix" >&2; exit 2; fi

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HEARTH="$ROOT/hearth"
WORK=$(mktemp -d /tmp/hearth-serve-bench.XXXXXX)
HEARTH_PID=
LLAMA_PID=
cleanup() {
  stop_server "$HEARTH_PID"
  stop_server "$LLAMA_PID"
  if [ -n "${KEEP:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

stop_server() { # pid
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
  fi
}

wait_healthy() { # url log pid
  for _ in $(seq 1 1200); do
    if curl -sf "$1/health" >/dev/null 2>&1; then return; fi
    if ! kill -0 "$3" 2>/dev/null; then echo "the server exited; its log:" >&2; cat "$2" >&2; exit 1; fi
    sleep 0.1
  done
  echo "not healthy after 120 s: $1; its log:" >&2; cat "$2" >&2; exit 1
}

bench() { # name url json-out extra-args...
  local name=$1 url=$2 out=$3
  shift 3
  echo "  $name ..." >&2
  "$HEARTH" bench serve --url "$url" --seed "$SEED" --quiet --json "$out" "$@" > "$WORK/$name.txt" 2>&1 \
    || { echo "bench $name failed:" >&2; cat "$WORK/$name.txt" >&2; exit 1; }
}

# decode: output tokens/s of the run, TTFT median, TPOT mean, requests ok/failed
decode_row() { # label json
  python3 - "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[2]))["runs"][0]["summary"]
f = lambda v: "-" if v is None else f"{v:.1f}"
print(f"| {sys.argv[1]} | {f(s['output_throughput'])} | {f(s['ttft_ms']['median'])} | {f(s['tpot_ms']['mean'])} | {s['completed']}/{s['failed']} |")
PY
}

# prefix: TTFT of the first request, median TTFT of the others, their ratio
prefix_row() { # label json
  python3 - "$1" "$2" <<'PY'
import json, statistics, sys
rows = sorted(json.load(open(sys.argv[2]))["runs"][0]["requests"], key=lambda r: r["start_s"])
t = [r["ttft_ms"] for r in rows if r["status"] == "ok" and r["ttft_ms"] is not None]
if len(t) < 2:
    print(f"| {sys.argv[1]} | - | - | - |")
else:
    rest = statistics.median(t[1:])
    print(f"| {sys.argv[1]} | {t[0]:.1f} | {rest:.1f} | {100 * rest / t[0]:.0f} % |")
PY
}

run_benches() { # name url
  local name=$1 url=$2
  bench "$name-c1" "$url" "$WORK/$name-c1.json" --concurrency 1 --num-prompts "$REQUESTS" \
    --prompt-len "$PROMPT_LEN" --output-len "$OUTPUT_LEN"
  bench "$name-c4" "$url" "$WORK/$name-c4.json" --concurrency 4 --num-prompts $((REQUESTS * 4)) \
    --prompt-len "$PROMPT_LEN" --output-len "$OUTPUT_LEN"
  # sequential requests sharing a PREFIX_LEN-token prefix; no warm-up, so the first one finds nothing cached
  bench "$name-prefix" "$url" "$WORK/$name-prefix.json" --concurrency 1 --warmup 0 --num-prompts "$PREFIX_REQUESTS" \
    --prefix-len "$PREFIX_LEN" --prompt-len $((PREFIX_LEN + 16)) --output-len 16
}

decode_bench() { # name url round
  bench "$1-decode-$3" "$2" "$WORK/$1-decode-$3.json" --concurrency 4 --num-prompts 8 \
    --prompt-len "$DECODE_PROMPT_LEN" --output-len "$DECODE_OUTPUT_LEN"
}

"$HEARTH" --version >/dev/null # builds the jar once, outside any timing

echo "hearth serve: $MODEL, $THREADS threads, $PARALLEL slots x $CTX tokens" >&2
PORT=$(free_port)
HEARTH_URL="http://127.0.0.1:$PORT"
"$HEARTH" serve -m "$MODEL" --host 127.0.0.1 --port "$PORT" --threads "$THREADS" --parallel "$PARALLEL" \
  --ctx-size "$CTX" > "$WORK/hearth.log" 2>&1 &
HEARTH_PID=$!
wait_healthy "$HEARTH_URL" "$WORK/hearth.log" "$HEARTH_PID"
run_benches hearth "$HEARTH_URL"

echo "llama-server: $LLAMA_SERVER" >&2
PORT=$(free_port)
LLAMA_URL="http://127.0.0.1:$PORT"
# llama-server's -c is the whole cache, split evenly over the slots
"$LLAMA_SERVER" -m "$MODEL" --host 127.0.0.1 --port "$PORT" -t "$THREADS" -tb "$THREADS" --parallel "$PARALLEL" \
  -c $((CTX * PARALLEL)) > "$WORK/llama.log" 2>&1 &
LLAMA_PID=$!
wait_healthy "$LLAMA_URL" "$WORK/llama.log" "$LLAMA_PID"
run_benches llama "$LLAMA_URL"

# aggregate decode: rounds alternate between the two servers (both up, one busy at a time)
for round in $(seq 1 "$DECODE_ROUNDS"); do
  decode_bench hearth "$HEARTH_URL" "$round"
  decode_bench llama "$LLAMA_URL" "$round"
done
stop_server "$HEARTH_PID"
stop_server "$LLAMA_PID"

LLAMA_VERSION=$("$LLAMA_SERVER" --version 2>&1 | grep -m1 -i 'version' || echo unknown)
echo
echo "## hearth serve vs llama-server --parallel $PARALLEL"
echo
echo "$(basename "$MODEL"), $THREADS threads, $(nproc) cores, prompts $PROMPT_LEN tokens, output $OUTPUT_LEN tokens, seed $SEED;"
echo "llama-server: $LLAMA_VERSION"
echo
echo "| run | output tok/s | TTFT median (ms) | TPOT mean (ms) | ok/failed |"
echo "|---|---:|---:|---:|---|"
decode_row "hearth, 1 stream" "$WORK/hearth-c1.json"
decode_row "llama-server, 1 stream" "$WORK/llama-c1.json"
decode_row "hearth, 4 streams" "$WORK/hearth-c4.json"
decode_row "llama-server, 4 streams" "$WORK/llama-c4.json"
# the decode rows show each server's median round
median_round() { # name
  python3 - "$WORK" "$1" "$DECODE_ROUNDS" <<'PY'
import json, sys
work, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
f = lambda r: json.load(open(f"{work}/{name}-decode-{r}.json"))["runs"][0]["summary"]["output_throughput"]
runs = sorted(range(1, rounds + 1), key=f)
print(f"{work}/{name}-decode-{runs[(len(runs) - 1) // 2]}.json")
PY
}
HEARTH_DECODE=$(median_round hearth)
LLAMA_DECODE=$(median_round llama)
decode_row "hearth, 4 streams, decode ($DECODE_PROMPT_LEN -> $DECODE_OUTPUT_LEN tokens), median of $DECODE_ROUNDS" "$HEARTH_DECODE"
decode_row "llama-server, 4 streams, decode ($DECODE_PROMPT_LEN -> $DECODE_OUTPUT_LEN tokens), median of $DECODE_ROUNDS" "$LLAMA_DECODE"
echo
ratio() { # label hearth-json llama-json
  python3 -c "import sys,json; f=lambda p: json.load(open(p))['runs'][0]['summary']['output_throughput']; h,l=f(sys.argv[2]),f(sys.argv[3]); print(f'{sys.argv[1]}: hearth / llama-server = {h/l:.2f}x' if l > 0 else sys.argv[1] + ': llama-server served nothing')" "$@"
}
ratio "4 streams, prefill and decode" "$WORK/hearth-c4.json" "$WORK/llama-c4.json"
ratio "4 streams, aggregate decode, medians (target >= 1.2x)" "$HEARTH_DECODE" "$LLAMA_DECODE"
python3 - "$WORK" "$DECODE_ROUNDS" <<'PY'
import json, sys
work, rounds = sys.argv[1], int(sys.argv[2])
f = lambda n, r: json.load(open(f"{work}/{n}-decode-{r}.json"))["runs"][0]["summary"]["output_throughput"]
print("  rounds (hearth / llama-server tok/s): " + ", ".join(
    f"{f('hearth', r):.1f} / {f('llama', r):.1f} = {f('hearth', r) / f('llama', r):.2f}x" for r in range(1, rounds + 1)))
PY
echo
echo "Repeated $PREFIX_LEN-token prefix, $PREFIX_REQUESTS sequential requests:"
echo
echo "| server | TTFT first (ms) | TTFT later, median (ms) | later / first |"
echo "|---|---:|---:|---:|"
prefix_row "hearth" "$WORK/hearth-prefix.json"
prefix_row "llama-server" "$WORK/llama-prefix.json"
echo
echo "(Hearth's target: later / first <= 20 %.)"

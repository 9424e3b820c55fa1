#!/usr/bin/env bash
# The whole long-horizon table (benchmarks/long_horizon.py, default settings) on one CUDA GPU.
#
# The table is cut into 13 independent jobs that run at once and share the card: one process per
# dataset and model, Seq2Seq split further by horizon since its decoder steps through the horizon
# one step at a time. Each job is an ordinary `long_horizon.py` run with one CPU thread and its own
# log, LOG_DIR/<job>.log, so any job can be rerun alone. Because the fits run concurrently, the
# "fit s" column is wall time under that sharing, not the time of a fit alone on the card.
# Jobs still running after LIMIT_S seconds are stopped; the lines their finished horizons printed stay.
#
# Usage: bash benchmarks/long_horizon_gpu.sh LOG_DIR [DATA_DIR] [LIMIT_S]
#   DATA_DIR holds exchange_rate.csv (default ../shared/data); LIMIT_S defaults to 7200.
set -u
out=${1:?usage: long_horizon_gpu.sh LOG_DIR [DATA_DIR] [LIMIT_S]}
data=${2:-../shared/data}
limit=${3:-7200}
python=${PYTHON:-python3}
mkdir -p "$out"
cd "$(dirname "$0")/.."

job() {  # job name, then long_horizon.py arguments
    local name=$1
    shift
    OMP_NUM_THREADS=1 PYTHONUNBUFFERED=1 timeout "$limit" "$python" benchmarks/long_horizon.py \
        --threads 1 --data-dir "$data" "$@" >"$out/$name.log" 2>&1 &
}

for dataset in ETTh1 ETTh2; do
    lower=${dataset,,}
    job "${lower}_transformer" --datasets "$dataset" --models Transformer
    job "${lower}_tcn" --datasets "$dataset" --models TCN
    job "${lower}_rnn" --datasets "$dataset" --models LSTM,GRU
    job "${lower}_seq2seq_96_336" --datasets "$dataset" --models Seq2Seq --horizons 96,192,336
    job "${lower}_seq2seq_720" --datasets "$dataset" --models Seq2Seq --horizons 720
done
job exchange_others --datasets Exchange --models Transformer,TCN,LSTM,GRU
job exchange_seq2seq --datasets Exchange --models Seq2Seq
job ili_all --datasets ILI
wait
grep -h "MSE .*MAE" "$out"/*.log | grep -v "repeat last" | sort -V

#!/usr/bin/env bash
# A Spark standalone cluster on loopback: one master and two workers (one
# core and 3 GB each, or SPARK_WORKER_MEMORY), from the pyspark package in the project's Python
# environment (python/build.sh makes it). For the Spark job's tests and
# benchmarks; nothing listens beyond 127.0.0.1.
#
#   spark/cluster.sh start [DIR]   # prints the master's URL (spark://127.0.0.1:PORT)
#   spark/cluster.sh stop [DIR]
#
# DIR (default target/spark-cluster) holds the logs, the workers' folders and
# the processes' ids. Needs Java 17 or later on PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
env="$root/target/python-env"
command="${1:-}"
dir="${2:-$root/target/spark-cluster}"

stop() {
    for pid_file in "$dir"/*.pid; do
        [ -e "$pid_file" ] || continue
        kill "$(cat "$pid_file")" 2>/dev/null || true
        rm -f "$pid_file"
    done
}

case "$command" in
start)
    stop
    mkdir -p "$dir/logs" "$dir/work"
    rm -f "$dir/logs/"*.log
    spark_home="$("$env/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')"
    export SPARK_HOME="$spark_home" SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_HOSTNAME=localhost
    export PYSPARK_PYTHON="$env/bin/python" SPARK_LOG_DIR="$dir/logs" SPARK_WORKER_DIR="$dir/work"
    # Port 0: any free port, read back from the master's log.
    "$spark_home/bin/spark-class" org.apache.spark.deploy.master.Master \
        --host 127.0.0.1 --port 0 --webui-port 0 >"$dir/logs/master.log" 2>&1 &
    echo $! >"$dir/master.pid"
    url=""
    for _ in $(seq 240); do
        url="$(grep -o 'spark://127.0.0.1:[0-9]*' "$dir/logs/master.log" | head -1 || true)"
        [ -n "$url" ] && break
        sleep 0.25
    done
    if [ -z "$url" ]; then
        echo "spark/cluster.sh: the master did not start (see $dir/logs/master.log)" >&2
        stop
        exit 1
    fi
    for worker in 1 2; do
        "$spark_home/bin/spark-class" org.apache.spark.deploy.worker.Worker \
            --host 127.0.0.1 --webui-port 0 --cores 1 --memory "${SPARK_WORKER_MEMORY:-3g}" \
            --work-dir "$dir/work/$worker" "$url" >"$dir/logs/worker$worker.log" 2>&1 &
        echo $! >"$dir/worker$worker.pid"
    done
    for _ in $(seq 240); do
        registered="$(grep -c 'Registering worker' "$dir/logs/master.log" || true)"
        [ "$registered" -ge 2 ] && break
        sleep 0.25
    done
    if [ "$registered" -lt 2 ]; then
        echo "spark/cluster.sh: the workers did not register (see $dir/logs)" >&2
        stop
        exit 1
    fi
    echo "$url"
    ;;
stop)
    stop
    ;;
*)
    echo "usage: spark/cluster.sh start|stop [DIR]" >&2
    exit 2
    ;;
esac

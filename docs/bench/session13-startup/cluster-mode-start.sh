#!/bin/bash
# cl.sh [archive] -> ms to "Listening on" in cluster mode (API unreachable), and Quarkus' "started in"
FLAGS="-XX:MaxRAM=384m -XX:MaxRAMPercentage=70 -XX:+UseParallelGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:GCTimeRatio=4 -XX:AdaptiveSizePolicyWeight=90 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
extra=""; [ -n "$1" ] && extra="-XX:SharedArchiveFile=$1"
log=/tmp/cds/cl-run.log
t0=$(date +%s%N)
POD_NAMESPACE=training POD_NAME=training-0 java $FLAGS $extra -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=0 -jar /tmp/cds/dep/quarkus-run.jar > $log 2>&1 &
p=$!
until grep -q "Listening on" $log; do sleep 0.01; done
t1=$(date +%s%N)
rss=$(awk '/VmRSS/{print $2}' /proc/$p/status)
echo "$(( (t1-t0)/1000000 ))ms $(grep -o 'started in [0-9.]*s' $log) $((rss/1024))MiB"
kill $p; wait $p 2>/dev/null

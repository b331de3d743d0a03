#!/bin/sh
# JMH fork launcher: ND4J reads OMP_NUM_THREADS once, at native load
OMP_NUM_THREADS=1
export OMP_NUM_THREADS
# the fork loads the benchmarks from another build's jar: the argument after -cp is replaced
n=$#; swap=0
for a in "$@"; do
  if [ $swap = 1 ]; then a='/work/main/target/compare-to/b623cc7c6f2c/target/benchmarks.jar'; swap=0; fi
  [ "$a" = -cp ] && swap=1
  set -- "$@" "$a"
done
shift $n
exec '/usr/lib/jvm/java-17-openjdk-amd64/bin/java' "$@"

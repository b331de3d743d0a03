#!/bin/sh
# JMH fork launcher: ND4J reads OMP_NUM_THREADS once, at native load
OMP_NUM_THREADS=1
export OMP_NUM_THREADS
exec '/usr/lib/jvm/java-17-openjdk-amd64/bin/java' "$@"

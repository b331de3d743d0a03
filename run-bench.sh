#!/usr/bin/env bash
# ClipBench main job: build if needed, run a benchmark profile (quick by default), write results and a report.
#   ./run-bench.sh                      quick profile (~10 min on 2 cores)
#   ./run-bench.sh --profile smoke      every benchmark class once (~3 min)
#   ./run-bench.sh --profile full --yes the whole grid (hours)
#   ./run-bench.sh --report-only DIR... summary of existing results folders
#   ./run-bench.sh --compare BASE CAND  statistical comparison; exit 1 on a significant regression
#   ./run-bench.sh --help               every option
set -euo pipefail
cd "$(dirname "$0")"

JAR=target/benchmarks.jar

if ! command -v java >/dev/null 2>&1; then
  echo "error: java not found: install a JDK 17 or newer" >&2; exit 2
fi
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [[ -z $java_major || ${java_major%%.*} -lt 17 ]]; then
  echo "error: ClipBench needs Java 17 or newer; found java.specification.version=${java_major:-unknown}" >&2; exit 2
fi

# Rebuild when the jar is missing or older than any source or the pom.
if [[ ! -f $JAR || -n $(find src pom.xml -newer "$JAR" -print -quit) ]]; then
  if ! command -v mvn >/dev/null 2>&1; then
    echo "error: $JAR is missing or stale and Maven (mvn) is not installed to build it" >&2; exit 2
  fi
  echo "building $JAR (mvn -B -q -DskipTests package) ..."
  mvn -B -q -DskipTests package
fi

run() {
  java --add-modules=jdk.incubator.vector -Xmx2g -Dclipbench.command="./run-bench.sh $*" -jar "$JAR" "$@"
}

if [[ ${1:-} == --compare ]]; then
  shift
  [[ $# -ge 2 ]] || { echo "error: --compare needs BASE and CANDIDATE (results folders or JMH JSON files)" >&2; exit 2; }
  run compare "$@"
  exit $?
fi

if [[ ${1:-} == --report-only ]]; then
  shift
  [[ $# -gt 0 ]] || { echo "error: --report-only needs one or more results folders" >&2; exit 2; }
  run report "$@"
  exit $?
fi

run bench "$@"

#!/usr/bin/env bash
# ClipBench main job: build if needed, run a benchmark profile (quick by default), write results and a report.
#   ./run-bench.sh                      quick profile (~10 min on 2 cores)
#   ./run-bench.sh --profile smoke      every benchmark class once (~3 min)
#   ./run-bench.sh --profile full --yes the whole grid (hours)
#   ./run-bench.sh --profile paper     every paper reproduction with verdicts (~50 min on 2 cores)
#   ./run-bench.sh --profile accuracy  the accuracy table of every norm, 1K to 2^30 entries (hours; its own JVM)
#   ./run-bench.sh --peers pytorch,jax --python PATH   the peers, in this interpreter (default: the newest torch found)
#   ./run-bench.sh --reproduce ID[,ID]  some of them (./run-bench.sh --reproduce --list names them)
#   ./run-bench.sh --report-only DIR... tables, figures and index.html of existing results folders
#   ./run-bench.sh --compare BASE CAND  statistical comparison; exit 1 on a significant regression
#   ./run-bench.sh --compare-to REF [--rounds N] [--by-grid] [bench filters]  same-machine A/B against a git ref, pairs of forks until judged
#   ./run-bench.sh --privacy --sampling-rate Q --steps T --sigma S   epsilon of a DP-SGD run (or --target-epsilon E for sigma)
#   ./run-bench.sh --slurm N [bench options | sweep ... | --reproduce IDS | --profile paper] [--partition P] [--time T] [--account A] [--slurm-opt "..."]
#                                       N shards as a Slurm job array plus a merge job (--slurm-dry-run: scripts only)
#   ./run-bench.sh --slurm-resume DIR   resubmit the shards of DIR that failed, and the merge
#   ./run-bench.sh --help               every option
set -euo pipefail
cd "$(dirname "$0")"
invocation="./run-bench.sh $*" # recorded in environment.json as typed

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
  java --add-modules=jdk.incubator.vector -Xmx2g -Dclipbench.command="$invocation" -jar "$JAR" "$@"
}

# Same-machine A/B: build GIT_REF in a worktree, then run both builds' forks of each combination in rounds
# (the jar's ab command: duets, one JVM per core, where a combination runs on one thread; rounds are added
# until every row is judged), and compare the pairs. Exit 0: no regression; 1: a regression; 5: inconclusive.
# A base that cannot serve this build's forks (other benchmark parameters), or --by-grid, alternates
# whole grids instead (A B, B A, ... per round over the whole grid; --rounds of them, 5 by default).
if [[ ${1:-} == --compare-to ]]; then
  shift
  ref=${1:-}
  [[ -n $ref ]] || { echo "error: --compare-to needs a git ref (commit, branch or tag)" >&2; exit 2; }
  shift
  rounds="" by_grid=0
  while [[ ${1:-} == --rounds || ${1:-} == --by-grid ]]; do
    if [[ $1 == --by-grid ]]; then by_grid=1; shift; continue; fi
    rounds=${2:-}
    # at most 4 digits: a longer number wrapped around in bash's arithmetic and looped for ever (issue 36)
    if [[ ! $rounds =~ ^[1-9][0-9]{0,3}$ ]] || ((rounds < 2 || rounds > 1000)); then
      echo "error: --rounds '${rounds}': give a whole number of pairs from 2 to 1000, e.g. --rounds 8" >&2; exit 2
    fi
    shift 2
  done
  sha=$(git rev-parse --verify --quiet "$ref^{commit}") || { echo "error: '$ref' is not a commit in this repository" >&2; exit 2; }
  base_tree="target/compare-to/${sha:0:12}"
  if [[ ! -d $base_tree ]]; then
    git worktree prune # a worktree under target/ disappears with mvn clean
    git worktree add --detach "$base_tree" "$sha" >/dev/null
  fi
  if [[ ! -f $base_tree/target/benchmarks.jar ]]; then
    echo "building $ref ($sha) in $base_tree ..."
    (cd "$base_tree" && mvn -B -q -DskipTests package)
  fi
  out="results/runs/$(date -u +%Y%m%dT%H%M%SZ)-ab-${sha:0:7}-vs-$(git rev-parse --short HEAD)"
  ab_status=4
  if ((by_grid == 0)); then
    ab_status=0
    pairs=()
    [[ -n $rounds ]] && pairs=(--pairs "$rounds" --max-pairs "$((rounds > 32 ? rounds : 32))")
    run ab --base "$base_tree" "${pairs[@]}" --out "$out" "$@" || ab_status=$?
    case $ab_status in
      4) echo "so the A/B alternates whole grids instead (A B, B A, ... per round)" >&2 ;;
      2) rmdir "$out" 2>/dev/null || true; exit 2 ;; # ab refused before writing: leave no empty folder
      *) echo "A/B results and tables in $out"; exit "$ab_status" ;;
    esac
  fi
  mkdir -p "$out"
  rounds=${rounds:-5}
  run_base() {
    # --data is --sizes before December 2026: the base may be older, and every version knows --sizes
    local args=() a
    for a in "$@"; do [[ $a == --data ]] && args+=(--sizes) || args+=("$a"); done
    (cd "$base_tree" && java --add-modules=jdk.incubator.vector -Xmx2g -jar target/benchmarks.jar bench --no-sweep "${args[@]}" \
        --jmh "-f 1" --out "$OLDPWD/$out/base-$k") > "$out/base-$k.log" 2>&1 || { echo "error: base run failed, see $out/base-$k.log" >&2; exit 1; }
  }
  run_candidate() {
    run bench --no-sweep "$@" --jmh "-f 1" --out "$out/candidate-$k" > "$out/candidate-$k.log" 2>&1 \
        || { echo "error: candidate run failed, see $out/candidate-$k.log" >&2; exit 1; }
  }
  # A B, then B A: whatever favours the first (or second) run of a round hits both sides alike; round k's forks pair up
  for ((k = 1; k <= rounds; k++)); do
    if ((k % 2 == 1)); then
      echo "round $k/$rounds: base ($ref), then candidate"
      run_base "$@"; run_candidate "$@"
    else
      echo "round $k/$rounds: candidate, then base ($ref)"
      run_candidate "$@"; run_base "$@"
    fi
  done
  status=0
  run compare --ab "$out" --out "$out/compare.txt" || status=$?
  run compare --ab "$out" --format markdown --out "$out/compare.md" > /dev/null || true
  echo "A/B results and tables in $out"
  exit $status
fi

if [[ ${1:-} == --compare ]]; then
  shift
  [[ $# -ge 2 ]] || { echo "error: --compare needs BASE and CANDIDATE (results folders or JMH JSON files)" >&2; exit 2; }
  run compare "$@"
  exit $?
fi

if [[ ${1:-} == --privacy ]]; then
  shift
  run privacy "$@"
  exit $?
fi

# Slurm: the shards and the merge are submitted by the jar (slurm submit); the options are passed through.
if [[ ${1:-} == --slurm-resume ]]; then
  shift
  [[ $# -ge 1 ]] || { echo "error: --slurm-resume needs the results folder of a --slurm submission" >&2; exit 2; }
  run slurm resume "$@"
  exit $?
fi
slurm_args=()
slurm_shards=""
slurm_command=()
for ((i = 1; i <= $#; i++)); do
  a=${!i}
  if [[ $a == --slurm ]]; then
    j=$((i + 1)); slurm_shards=${!j:-}
    [[ $slurm_shards =~ ^[0-9]+$ ]] || { echo "error: --slurm needs the number of shards, e.g. --slurm 4" >&2; exit 2; }
    i=$j
  elif [[ $a == --slurm-dry-run ]]; then
    slurm_args+=(--dry-run)
  elif [[ $a == --reproduce ]]; then
    j=$((i + 1)); slurm_command=(reproduce --only "${!j:-}"); i=$j
  elif [[ $a == --profile && ${*:i+1:1} == paper ]]; then
    slurm_command=(reproduce); i=$((i + 1))
  else
    slurm_args+=("$a")
  fi
done
if [[ -n $slurm_shards ]]; then
  run slurm submit --shards "$slurm_shards" "${slurm_command[@]}" "${slurm_args[@]}"
  exit $?
fi

if [[ ${1:-} == --report-only ]]; then
  shift
  [[ $# -gt 0 ]] || { echo "error: --report-only needs one or more results folders" >&2; exit 2; }
  run report "$@"
  exit $?
fi

if [[ ${1:-} == --profile && ${2:-} == paper ]]; then
  shift 2
  run reproduce "$@"
  exit $?
fi

if [[ ${1:-} == --reproduce ]]; then
  shift
  [[ $# -gt 0 ]] || { echo "error: --reproduce needs reproduction names (or --list)" >&2; exit 2; }
  if [[ $1 == --list ]]; then run reproduce --list; exit $?; fi
  ids=$1
  shift
  run reproduce --only "$ids" "$@"
  exit $?
fi

run bench "$@"

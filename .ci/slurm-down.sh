#!/bin/bash
# slurm-down.sh (for SlurmClusterIT): cancel jobs, stop slurmd + slurmctld, then munged. SLURM_WIPE=1: also drop state, logs, jobcomp.
set -u
live() { local s; s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1); [ -n "$s" ] && [ "$s" != Z ]; }
stop() {  # SIGTERM the pids in these pid files, wait up to 15 s, then SIGKILL
  local pids=() f p
  for f in "$@"; do p=$(cat "$f" 2>/dev/null) && [ -n "$p" ] && pids+=("$p") && kill "$p" 2>/dev/null; rm -f "$f"; done
  for _ in $(seq 1 150); do local n=0; for p in "${pids[@]}"; do live "$p" && n=1; done
    [ $n = 0 ] && return 0; sleep 0.1; done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; return 0
}
if command -v scontrol >/dev/null && scontrol ping >/dev/null 2>&1; then
  squeue -h -o %F | sort -u | xargs -r scancel
  for _ in $(seq 1 100); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
fi
stop /run/slurm/slurmd.pid /run/slurm/slurmctld.pid
stop /run/munge/munged.pid
[ "${SLURM_WIPE:-0}" = 1 ] && rm -rf /var/spool/slurmctld/* /var/spool/slurmd/* /var/log/slurm/*
exit 0

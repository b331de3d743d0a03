#!/bin/bash
# slurm-up.sh: install if missing, munge key + daemon, slurm.conf, slurmctld + slurmd, wait for node up.
# A one-node Slurm cluster for SlurmClusterIT (root, no systemd); from ../shared/reference/slurm-single-node.md,
# measured there: about 10 s from an uninstalled machine to an idle node.
set -euo pipefail
TIMEOUT=${SLURM_UP_TIMEOUT:-60}; H=$(hostname -s)
if ! { command -v slurmctld && command -v slurmd && command -v sbatch && command -v munged; } >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null
fi
install -d -o munge -g munge -m 0755 /run/munge   # normally made by systemd; postinst makes the key
[ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 $((TIMEOUT * 2))); do
    munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
  munge -n </dev/null | unmunge >/dev/null || { echo "munged not working" >&2; exit 1; }
fi
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/slurm
NODE=$(slurmd -C | head -n1)   # NodeName=<host> CPUs=.. Boards=.. SocketsPerBoard=.. ... RealMemory=..
cat > /etc/slurm/slurm.conf.new <<EOF
ClusterName=local
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
DependencyParameters=kill_invalid_depend
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
MinJobAge=3600
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=/var/log/slurm/jobcomp.log
$NODE NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
EOF
mv /etc/slurm/slurm.conf.new /etc/slurm/slurm.conf
alive() {  # alive <daemon>: its pid file names a live, non-zombie process with that name
  local p; p=$(cat "/run/slurm/$1.pid" 2>/dev/null) || return 1
  [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] && [ "$(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f1)" != Z ]; }
alive slurmctld || slurmctld     # both fork into the background by themselves
alive slurmd    || slurmd
for _ in $(seq 1 $((TIMEOUT * 2))); do   # idle on a fresh start; mixed/allocated if jobs run
  case "$(sinfo -h -n "$H" -o %T 2>/dev/null)" in idle|mixed|allocated) sinfo; exit 0;; esac; sleep 0.5
done
echo "node $H not up after ${TIMEOUT}s" >&2; sinfo -N -l >&2 || true
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true; exit 1

#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for the study tests: `start` installs Debian's
# slurm-wlm and munge when missing (idempotent), writes a slurm.conf for this host (no
# cgroups, no accounting daemon: containers rarely allow either), starts munged, slurmctld
# and slurmd and waits until sinfo shows the node idle; `stop` ends the daemons it started.
# Exit status 0 when the cluster is up (or stopped); non-zero with the reason on stderr.
set -euo pipefail
STATE=${SPARSEDYN_SLURM_STATE:-/tmp/sparsedyn-slurm}
CONF=/etc/slurm/slurm.conf

start() {
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    if [ "$(id -u)" != 0 ]; then echo "slurm-wlm/munge are not installed and we are not root" >&2; exit 1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
  fi
  mkdir -p "$STATE"/{spool,state,log} /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  [ -s /etc/munge/munge.key ] || { mungekey --create 2>/dev/null || create-munge-key -f; }
  if ! munge -n >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged --force
    for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  local host cpus mem
  host=$(hostname -s)
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ {print int($2/1024*0.8)}' /proc/meminfo)
  cat >"$CONF" <<CONFEOF
# Written by sparsedyn's tests/study/slurm_cluster.sh: a one-node cluster on $host.
ClusterName=sparsedyn
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Short passes: a stage's jobs start within a second of the one before finishing (the
# defaults, a pass every 60 s and backfill every 30 s, suit a busy cluster, not a test).
SchedulerParameters=sched_interval=1,bf_interval=1
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONFEOF
  if ! pgrep -F "$STATE/slurmctld.pid" >/dev/null 2>&1; then
    /usr/sbin/slurmctld -i
  fi
  if ! pgrep -F "$STATE/slurmd.pid" >/dev/null 2>&1; then
    /usr/sbin/slurmd
  fi
  for _ in $(seq 100); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle; then echo "slurm: node $host idle"; return 0; fi
    # A node left down or drained by an earlier run: return it to service.
    scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true
    sleep 0.3
  done
  echo "slurm: node $host did not become idle: $(sinfo -h -N -o '%T %E' 2>&1)" >&2
  tail -5 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2 || true
  exit 1
}

stop() {
  local pids=()
  for d in slurmd slurmctld; do
    if [ -f "$STATE/$d.pid" ]; then
      pids+=("$(cat "$STATE/$d.pid")")
      kill "${pids[-1]}" 2>/dev/null || true
    fi
  done
  # Gone before we return, so that a start right after does not meet the old daemons.
  for _ in $(seq 100); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  echo "slurm: stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

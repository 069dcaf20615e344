#!/bin/sh
# espri-gpu-report.sh: send this node's nvidia-smi state to the ESPRI-IA GPU board.
#
# Needs only nvidia-smi, curl and ps (and Slurm's scontrol and squeue where the node
# runs Slurm). Reads the board's URL and this node's token from
# a file that only root may read (default /etc/espri-gpu-report.conf, or $1):
#
#     ESPRI_GPU_URL=https://espri-ia.example.org/gpus/report
#     ESPRI_GPU_TOKEN=espri-gpu-...
#
# The body it posts: the CSV of
#     nvidia-smi --query-gpu=index,uuid,name,memory.used,memory.total,utilization.gpu,temperature.gpu,power.draw,mig.mode.current --format=csv
# then a line "# compute-apps", then the CSV of
#     nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory --format=csv
# then "# gpu-list" and `nvidia-smi -L` (the MIG instances' profiles), then
# "# process-owners" and, per GPU process, "<pid> <login> <seconds running>" from ps;
# where Slurm runs, "# slurm-node" and `scontrol -d -o show node <host>`, then
# "# slurm-jobs" and `squeue -h -w <host> -t R -o '%i|%u|%M|%b'` (job, user, time used,
# GRES). A board older than these sections refuses them (400): the script then sends
# the first two parts alone.
#
# Exit status: 0 when the board stored the report; 1 on a local problem (config,
# nvidia-smi, network); 2 when the board refused the report (its answer is printed).
# Run it every 30 s from a systemd timer or cron: see the site's README.

set -u

CONFIG=${1:-/etc/espri-gpu-report.conf}
QUERY_GPU=index,uuid,name,memory.used,memory.total,utilization.gpu,temperature.gpu,power.draw
QUERY_APPS=gpu_uuid,pid,used_memory
SQUEUE_FORMAT='%i|%u|%M|%b'

fail() {
    echo "espri-gpu-report: $*" >&2
    exit 1
}

[ -r "$CONFIG" ] || fail "cannot read $CONFIG (run as root; see the README)"
# The token is a password: refuse a file that group or others can read.
if [ -n "$(find "$CONFIG" -prune \( -perm -040 -o -perm -004 \) 2>/dev/null)" ]; then
    fail "$CONFIG is readable by group or others: chmod 600 $CONFIG"
fi

# Read KEY=value lines without executing the file.
config_value() {
    sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$CONFIG" | tail -n 1 |
        sed -e 's/[[:space:]]*$//' -e 's/^"\(.*\)"$/\1/' -e "s/^'\(.*\)'$/\1/"
}
URL=$(config_value ESPRI_GPU_URL)
TOKEN=$(config_value ESPRI_GPU_TOKEN)
[ -n "$URL" ] || fail "ESPRI_GPU_URL is missing from $CONFIG"
[ -n "$TOKEN" ] || fail "ESPRI_GPU_TOKEN is missing from $CONFIG"

command -v nvidia-smi >/dev/null 2>&1 || fail "nvidia-smi not found in PATH"
command -v curl >/dev/null 2>&1 || fail "curl not found in PATH"

WORK=$(mktemp -d) || fail "cannot create a temporary directory"
trap 'rm -rf "$WORK"' EXIT INT TERM
BODY=$WORK/body
EXTRA=$WORK/extra
ANSWER=$WORK/answer

# Drivers older than MIG (before 450) do not know mig.mode.current: ask without it.
nvidia-smi --query-gpu="$QUERY_GPU,mig.mode.current" --format=csv >"$BODY" 2>"$WORK/error" ||
    nvidia-smi --query-gpu="$QUERY_GPU" --format=csv >"$BODY" 2>"$WORK/error" ||
    fail "nvidia-smi failed: $(cat "$WORK/error")"
echo "# compute-apps" >>"$BODY"
nvidia-smi --query-compute-apps="$QUERY_APPS" --format=csv >>"$BODY" 2>"$WORK/error" ||
    fail "nvidia-smi --query-compute-apps failed: $(cat "$WORK/error")"

# Optional sections: a failure here only leaves a section empty.
{
    echo "# gpu-list"
    nvidia-smi -L 2>/dev/null
    echo "# process-owners"
    for pid in $(nvidia-smi --query-compute-apps=pid --format=csv,noheader 2>/dev/null); do
        case "$pid" in
            *[!0-9]*) continue ;;
        esac
        echo "$pid $(ps -o user=,etimes= -p "$pid" 2>/dev/null)"
    done
    if command -v scontrol >/dev/null 2>&1 && command -v squeue >/dev/null 2>&1; then
        HOST=$(hostname -s 2>/dev/null || hostname)
        echo "# slurm-node"
        scontrol -d -o show node "$HOST" 2>/dev/null
        echo "# slurm-jobs"
        squeue -h -w "$HOST" -t R -o "$SQUEUE_FORMAT" 2>/dev/null
    fi
} >"$EXTRA"

# The token goes to curl on its standard input, never on the command line (ps shows that).
send() {
    printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" |
        curl --config - --silent --show-error --max-time 20 --connect-timeout 5 \
            --header "Content-Type: text/plain; charset=utf-8" \
            --data-binary "@$1" --output "$ANSWER" --write-out '%{http_code}' \
            "$URL"
}
cat "$BODY" "$EXTRA" >"$WORK/full"
STATUS=$(send "$WORK/full") || fail "could not reach $URL"
if [ "$STATUS" = 400 ]; then
    # A board that predates the optional sections: send what it knows.
    STATUS=$(send "$BODY") || fail "could not reach $URL"
fi

case "$STATUS" in
    2??) exit 0 ;;
    *)
        echo "espri-gpu-report: the board refused the report (HTTP $STATUS): $(cat "$ANSWER")" >&2
        exit 2
        ;;
esac

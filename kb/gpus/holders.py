"""Who holds each card of a report, and for how long (pure: a parsed Report in, no Django).

A card is held by the owners of its processes (the ``# process-owners`` section: login
and seconds running, from ``ps``) and, where the node runs Slurm, reserved by the jobs
that GresUsed says hold its index. squeue does not say which index a job holds, so a
reserved card with no process goes to the users whose GPU jobs are not already
accounted for by cards running their processes; when several users remain, all are named.
"""

from collections import Counter
from dataclasses import dataclass

from kb.gpus.slurm import allocated_gpu_indexes, parse_jobs

MAX_LOGINS_SHOWN = 4


@dataclass(frozen=True)
class Hold:
    logins: tuple[str, ...]  # empty when the holder is not known
    seconds: int | None  # how long the oldest process or job has run
    reserved: bool  # Slurm has allocated the card to a job
    has_process: bool


def holds_by_index(report):
    """{GPU index: Hold} for the cards of the report that someone holds."""
    index_of = {gpu.uuid: gpu.index for gpu in report.gpus if gpu.uuid}
    owners = {owner.pid: owner for owner in report.owners or ()}
    running = {}  # index -> (logins, seconds)
    for process in report.processes or ():
        index = index_of.get(process.gpu_uuid)
        if index is None:
            continue
        logins, seconds = running.setdefault(index, (set(), []))
        owner = owners.get(process.pid)
        if owner is not None:
            logins.add(owner.login)
            seconds.append(owner.seconds)

    reserved = (
        set(allocated_gpu_indexes(report.slurm_node)) if report.slurm_node is not None else set()
    )
    holds = {}
    for index, (logins, seconds) in running.items():
        holds[index] = Hold(
            logins=tuple(sorted(logins))[:MAX_LOGINS_SHOWN],
            seconds=max(seconds) if seconds else None,
            reserved=index in reserved,
            has_process=True,
        )
    idle_reserved = sorted(reserved - set(running))
    if idle_reserved:
        logins, seconds = _unaccounted_jobs(report, holds)
        for index in idle_reserved:
            holds[index] = Hold(logins=logins, seconds=seconds, reserved=True, has_process=False)
    return holds


def _unaccounted_jobs(report, holds):
    """(logins, seconds) of the GPU jobs not matched by a card running their user's process."""
    jobs = [job for job in parse_jobs(report.slurm_jobs) if job.gpus > 0]
    asked = Counter()
    for job in jobs:
        asked[job.user] += job.gpus
    for hold in holds.values():
        for login in hold.logins:
            asked[login] -= 1
    users = sorted(user for user, count in asked.items() if count > 0)
    times = [job.seconds for job in jobs if job.user in users and job.seconds is not None]
    if len(users) != 1:
        # Several candidates: name them, but no single duration applies.
        return tuple(users[:MAX_LOGINS_SHOWN]), None
    return tuple(users), max(times) if times else None

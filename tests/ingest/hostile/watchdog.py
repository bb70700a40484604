"""A memory watchdog for hostile inputs: run a command in a child process group, poll the
high-water RSS (VmHWM) of the whole tree, kill it past the budget; report the peak.

Not the kernel's ru_maxrss from wait4: a child forked from a large pytest process carries the
parent's RSS into its maxrss across exec (Linux keeps the pre-exec high-water mark), so in a
full test run every watched command looked 1.3 GB big. VmHWM belongs to the new program's
own memory map and catches spikes between polls."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Watched:
    returncode: int
    peak_mb: float
    killed_over_budget: bool
    stdout: str
    stderr: str
    peaks_mb: dict[str, float] = field(default_factory=dict)  # each process's own peak: 'command line [pid]'


def children(pid: int) -> list[int]:
    out = []
    try:  # a process that exits mid-walk takes its /proc entry with it: no children then
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            out += [int(c) for c in task.read_text().split()]
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


def _hwm_mb(pids: list[int]) -> dict[int, float]:
    out = {}
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out[p] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return out


def _rss_mb(pids: list[int]) -> float:
    return sum(_hwm_mb(pids).values())


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _backstop(budget_mb: float):
    """A hard address-space cap, well above the budget (libraries reserve address space
    they never touch): a spike faster than the polling cannot take the machine down."""
    cap = int(max(budget_mb * 3, 4096) * 2**20)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return limit


def run_watched(argv: list[str], budget_mb: float, env: dict | None = None, timeout: float = 300, cwd: str | None = None) -> Watched:
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"watchdog-{os.getpid()}-{time.monotonic_ns()}"
    with open(f"{out_path}.out", "w+") as out, open(f"{out_path}.err", "w+") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True, preexec_fn=_backstop(budget_mb))
        peak, killed, start = 0.0, False, time.monotonic()
        by_pid: dict[int, float] = {}
        names: dict[int, str] = {}
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            hwm = _hwm_mb(_tree(proc.pid))
            peak = max(peak, sum(hwm.values()))
            for p, mb in hwm.items():
                by_pid[p] = max(by_pid.get(p, 0.0), mb)
                names[p] = cmdline(p) or names.get(p, "")  # a child is named by what it execs, not by its parent
            if peak > budget_mb or time.monotonic() - start > timeout:
                killed = peak > budget_mb
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # nothing of it may outlive the run
        except ProcessLookupError:
            pass
        out.seek(0)
        err.seek(0)
        peaks = {f"{names[p]} [{p}]": mb for p, mb in by_pid.items()}
        result = Watched(proc.returncode, peak, killed, out.read(), err.read(), peaks)
    Path(f"{out_path}.out").unlink()
    Path(f"{out_path}.err").unlink()
    return result

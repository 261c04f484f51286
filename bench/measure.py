"""Timing and memory of child processes, medians, and the machine a run happens on."""

from __future__ import annotations

import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Timed", "run_timed", "median", "machine", "load_average", "rss_kb", "hwm_kb",
           "cpu_seconds"]


@dataclass(frozen=True)
class Timed:
    """One finished child process.

    :param seconds: wall time from start to exit.
    :param max_rss_kb: its own peak resident memory (``ru_maxrss`` of ``wait4``), in KiB.
    """

    seconds: float
    max_rss_kb: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0
    """User and system time of the process and of the children it waited for (its workers)."""


# A small process between the measuring one and the command. Linux keeps, across ``execve``,
# the peak RSS of the memory the new program replaces: a command started by a large process
# (a suite holding id lists of a 10M release) reports that process's peak as its own (measured:
# ``python -c pass`` gave 15 MB from a small parent, 1,551 MB from one of 1.5 GB). Started from
# this fresh interpreter, the command's peak is its own. It writes the command's peak RSS (KiB),
# processor and wall seconds to file descriptor ``argv[1]`` and exits with the command's status.
_STARTER = """
import os, sys, time
report = int(sys.argv[1])
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(report)
    try:
        os.execvpe(sys.argv[2], sys.argv[2:], os.environ)
    except OSError as exc:
        print(exc, file=sys.stderr, flush=True)
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
os.write(report, f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime} {seconds}".encode())
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_timed(argv: Sequence[str], env: Mapping[str, str] | None = None,
              cwd: Path | None = None) -> Timed:
    """Run *argv* to completion, timing it and reading its own peak RSS.

    The command is started by a small interpreter of its own (:data:`_STARTER`), which reads
    the command's resource use with ``os.wait4``: that one process's, not ``RUSAGE_CHILDREN``'s
    largest of all children so far, nor the peak of the process that measures.

    :raises RuntimeError: the command failed; the message ends with its stderr.
    """
    read_end, write_end = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen([sys.executable, "-c", _STARTER, str(write_end), *argv],
                                    stdout=out, stderr=err, env=dict(env or os.environ),
                                    cwd=cwd, pass_fds=(write_end,), start_new_session=True)
        finally:
            os.close(write_end)
        try:
            with os.fdopen(read_end, "rb") as report:
                proc.wait()
                figures = report.read().decode().split()
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)  # the starter and the command it runs
            proc.wait()
            raise
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0 or len(figures) != 3:
        raise RuntimeError(f"{' '.join(argv)[:200]} exited with {proc.returncode}:\n"
                           f"{stderr[-3000:]}")
    max_rss_kb, cpu, seconds = figures
    return Timed(float(seconds), int(max_rss_kb), stdout, stderr, float(cpu))


def median(values: Sequence[float]) -> float:
    """The median of *values* (NaN when there are none)."""
    return statistics.median(values) if values else float("nan")


def _proc_field(pid: int, name: str) -> int:
    """A ``kB`` field of ``/proc/<pid>/status`` (VmRSS, VmHWM), 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def rss_kb(pid: int) -> int:
    """The resident memory of process *pid* now, in KiB."""
    return _proc_field(pid, "VmRSS")


def hwm_kb(pid: int) -> int:
    """The peak resident memory of process *pid* since it started, in KiB."""
    return _proc_field(pid, "VmHWM")


def cpu_seconds(pid: int) -> float:
    """The processor time (user and system, all threads) process *pid* has used, in seconds;
    0 if it is gone. On a busy machine it varies far less than the wall-clock time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    # utime and stime: fields 14 and 15 of proc(5), counted from the state after the name
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages."""
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, str | int]:
    """Cores, memory, CPU model, OS and the versions of everything measured."""
    info: dict[str, str | int] = {
        "cores": os.cpu_count() or 0,
        "memory_kb": _meminfo("MemTotal"),
        "cpu": _cpu_model(),
        "python": sys.version.split()[0],
        "os": f"{platform.system()} {platform.release()}",
    }
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    for package in ("idmapping", "duckdb", "pandas", "pyarrow", "uvicorn"):
        info[package] = _version(package)
    info["wrk"] = _wrk_version()
    return info


def _meminfo(field: str) -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except FileNotFoundError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _wrk_version() -> str:
    try:
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    except (FileNotFoundError, subprocess.TimeoutExpired):
        return "not installed"
    text = (out.stdout or out.stderr).split()
    return text[1] if len(text) > 1 else "unknown"


def export_src(rev: str) -> tuple[str, Path]:
    """*rev*'s ``src`` exported with ``git archive`` to ``bench/out/src-<sha>`` (once):
    ``(sha, the exported src folder)``."""
    root = Path(__file__).resolve().parent.parent
    sha = subprocess.run(["git", "rev-parse", rev], cwd=root, capture_output=True, text=True,
                         check=True).stdout.strip()
    target = root / "bench" / "out" / f"src-{sha[:12]}"
    if not (target / "src").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "src"], cwd=root, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return sha, target / "src"

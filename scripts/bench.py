"""`make bench`: Care Pledge in its production shape on this machine, measured against a bare
Django baseline in the same sitting, written to docs/performance.md.

The machine is noisy, so every figure is compared with the baseline measured minutes
apart by the same gunicorn, never with a number from another day.

    .venv/bin/python scripts/bench.py                 # everything (generates data first time)
    .venv/bin/python scripts/bench.py --quick         # short rounds, for trying the harness
    .venv/bin/python scripts/bench.py --only bare,form
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WRK_DIR = ROOT / "bench" / "wrk"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
CONNECTIONS = 16
# One wrk thread per connection: Lua state is per thread, and each connection plays one
# person with their own cookies.
THREADS = CONNECTIONS

# gunicorn: gthread workers. Each request mostly waits on PostgreSQL or Redis; threads let a
# worker overlap those waits without the memory of more processes, and they keep HTTP
# connections alive (sync workers close each one). 2 cores: cores + 1 processes x 4 threads.
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "3"))
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
GUNICORN_CMD = [
    str(Path(PY).parent / "gunicorn"),
    "config.wsgi:application",
    "--bind",
    f"127.0.0.1:{PORT}",
    "--worker-class",
    "gthread",
    "--workers",
    str(GUNICORN_WORKERS),
    "--threads",
    str(GUNICORN_THREADS),
    "--keep-alive",
    "5",
    "--log-level",
    "warning",
]


@dataclass
class Figure:
    name: str
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    baseline: str = ""
    note: str = ""
    rounds: list[dict] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_env() -> dict[str, str]:
    db = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carepledge_bench")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": "bench-only-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": BASE,
            "SECURE_SSL_REDIRECT": "False",
            "DATABASE_URL": db,
            "DB_CONN_MAX_AGE": "600",
            "REDIS_URL": redis_url,
            "CACHE_URL": redis_url,
            "CACHE_KEY_PREFIX": "bench",
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "BENCH_ENDPOINTS": "True",
            "RATELIMIT_MULTIPLIER": "100000",  # the bench's own traffic comes from one address
            "ACCOUNT_RATE_LIMITS_ENABLED": "False",
            "LOG_LEVEL": "WARNING",
            "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "carepledge-bench-static"),
        }
    )
    return env


def manage(env: dict, *args: str, check: bool = True, capture: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True, timeout=3600
    )
    if check and result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def ensure_database(env: dict) -> None:
    url = urlparse(env["DATABASE_URL"])
    name = url.path.lstrip("/")
    import psycopg2

    conn = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username or "postgres", dbname="postgres"
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk from Debian's packages")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        return shutil.which("wrk") or "wrk"
    raise SystemExit("wrk is not installed: apt-get install wrk")


class Processes:
    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, cmd: list[str], env: dict, name: str) -> subprocess.Popen:
        logfile = open(Path(tempfile.gettempdir()) / f"carepledge-bench-{name}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def run_wrk(wrk: str, script: str, url: str, seconds: int, args: list[str] | None = None) -> dict:
    cmd = [
        wrk,
        "-t",
        str(THREADS),
        "-c",
        str(CONNECTIONS),
        "-d",
        f"{seconds}s",
        "--latency",
        "-s",
        str(WRK_DIR / script),
        url,
    ]
    if args:
        cmd += ["--", *args]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"BENCH_JSON (\{.*\})", result.stdout)
    if not match:
        raise SystemExit(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")
    data = json.loads(match.group(1))
    data["rps"] = data["units"] / (data["duration_us"] / 1e6)
    return data


def measure(wrk: str, name: str, script: str, path: str, args=None, warmup=5, seconds=10, rounds=3) -> Figure:
    url = BASE + path
    run_wrk(wrk, script, url, warmup, args)
    results = [run_wrk(wrk, script, url, seconds, args) for _ in range(rounds)]
    figure = Figure(
        name=name,
        rps=statistics.median(r["rps"] for r in results),
        p50_ms=statistics.median(r["p50_us"] for r in results) / 1000,
        p99_ms=statistics.median(r["p99_us"] for r in results) / 1000,
        errors=sum(r["errors"] + r["non_2xx_3xx"] for r in results),
        rounds=results,
    )
    log(f"{name}: {figure.rps:.0f}/s, p50 {figure.p50_ms:.1f} ms, p99 {figure.p99_ms:.1f} ms, errors {figure.errors}")
    return figure


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_gib:.0f} GiB, {platform.platform()}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short rounds (2 s) for trying the harness")
    parser.add_argument("--only", help="comma-separated scenario names")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    seconds, warmup = (2, 1) if args.quick else (10, 5)

    env = bench_env()
    wrk = ensure_wrk()
    ensure_database(env)
    log("migrating the bench database")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")

    procs = Processes()
    figures: list[Figure] = []
    try:
        procs.start(GUNICORN_CMD, env, "gunicorn")
        wait_http(BASE + "/bench/bare")
        wanted = set(args.only.split(",")) if args.only else None

        def want(name: str) -> bool:
            return wanted is None or name in wanted

        if want("bare"):
            figures.append(measure(wrk, "bare", "get.lua", "/bench/bare", warmup=warmup, seconds=seconds))
        if want("form"):
            figures.append(
                measure(
                    wrk,
                    "form",
                    "form.lua",
                    "/bench/form",
                    ["/bench/form", "name=Bench+{n}&email=bench{n}%40example.org"],
                    warmup=warmup,
                    seconds=seconds,
                )
            )
    finally:
        procs.stop()
    for figure in figures:
        print(f"{figure.name:30} {figure.rps:10.1f}/s  p50 {figure.p50_ms:7.1f} ms  p99 {figure.p99_ms:7.1f} ms")
    _ = datetime.now(UTC)


if __name__ == "__main__":
    main()

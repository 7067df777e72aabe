"""`make bench`: Care Pledge in its production shape on this machine, measured against a bare
Django baseline in the same sitting, written to docs/performance.md.

The machine is noisy, so every figure is compared with the baseline measured minutes
apart by the same gunicorn, never with a number from another day.

    .venv/bin/python scripts/bench.py                 # everything (generates data first time)
    .venv/bin/python scripts/bench.py --quick         # short rounds, for trying the harness
    .venv/bin/python scripts/bench.py --only bare,form
    .venv/bin/python scripts/bench.py --profile docs/profiles   # a flame graph per scenario
    .venv/bin/python scripts/bench.py --scale-shape --quick     # nginx, two instances: scripts/scale_shape.py

Beside each rate it reports where the time went: CPU milliseconds per operation of the
gunicorn processes, the PostgreSQL server processes and the Celery worker, read from /proc
before and after each round.
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

# gunicorn: the production settings (config/gunicorn.py: gthread, cores + 1 processes x 4
# threads, the garbage collector's frozen start-up objects), bound to the bench's port and
# without an access log.
GUNICORN_WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "3"))
GUNICORN_THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
GUNICORN_CMD = [str(Path(PY).parent / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi:application"]
GUNICORN_ENV = {
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    "GUNICORN_WORKERS": str(GUNICORN_WORKERS),
    "GUNICORN_THREADS": str(GUNICORN_THREADS),
    "GUNICORN_ACCESS_LOG": "",
    "GUNICORN_LOG_LEVEL": "warning",
}


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
    # CPU milliseconds per operation, by process group ("web", "postgres", "worker").
    cpu_ms: dict[str, float] = field(default_factory=dict)
    # The bare view's mean rate in a round measured just before this scenario's rounds and one
    # just after: its ratio is taken against it, not against the bare view of the sitting's
    # start (0: not measured).
    beside_rps: float = 0.0

    def ratio_to(self, base: Figure | None) -> float | None:
        """This rate over the bare rate measured beside it, else over `base`'s; None without either."""
        base_rps = self.beside_rps or (base.rps if base else 0.0)
        return self.rps / base_rps if base_rps else None


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # the process ended between listing and reading
        return None
    # The command name is in parentheses and may hold spaces; fields after it are plain.
    return [text[text.index("(") + 1 : text.rindex(")")], *text[text.rindex(")") + 2 :].split()]


def _all_stats() -> dict[int, list[str]]:
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                stats[int(entry.name)] = fields
    return stats


def _cpu_ticks(fields: list[str]) -> int:
    # After the name: state, ppid, ... utime is the 12th value and stime the 13th (proc(5)).
    return int(fields[12]) + int(fields[13])


class CpuMeter:
    """CPU time of process groups from /proc: a gunicorn or Celery process with all its
    descendants, and every process named postgres (the server and its backends).

    A process that ends inside a round takes its time in that round with it (`ticks_between`
    leaves it out), so groups are measured around rounds in which few end: gunicorn and
    Celery keep their workers, and Django keeps its database connections (CONN_MAX_AGE)."""

    def __init__(self):
        self.roots: dict[str, int] = {}

    def add(self, name: str, pid: int) -> None:
        self.roots[name] = pid

    def snapshot(self) -> dict[str, dict[int, int]]:
        """CPU ticks so far of each process in each group, by process id."""
        stats = _all_stats()
        children: dict[int, list[int]] = {}
        for pid, fields in stats.items():
            children.setdefault(int(fields[2]), []).append(pid)
        ticks = {"postgres": {pid: _cpu_ticks(f) for pid, f in stats.items() if f[0] == "postgres"}}
        for name, root in self.roots.items():
            group, todo = {}, [root]
            while todo:
                pid = todo.pop()
                if pid in stats:
                    group[pid] = _cpu_ticks(stats[pid])
                todo.extend(children.get(pid, ()))
            ticks[name] = group
        return ticks

    @staticmethod
    def ticks_between(before: dict[str, dict[int, int]], after: dict[str, dict[int, int]]) -> dict[str, int]:
        """Ticks each group spent between two snapshots, process by process: one that started
        in between counts from zero; one that ended in between (an autovacuum worker, a
        backend whose connection closed) is left out, rather than taking its whole lifetime
        off the group's total."""
        return {
            name: sum(ticks - before.get(name, {}).get(pid, 0) for pid, ticks in group.items())
            for name, group in after.items()
        }

    @staticmethod
    def per_operation(before: dict[str, int], after: dict[str, int], operations: int) -> dict[str, float]:
        if operations <= 0:
            return {}
        return {
            name: (after[name] - before.get(name, 0)) * 1000 / CLOCK_TICKS / operations
            for name in after
            if name in before
        }


CPU_GROUPS = ("web", "postgres", "worker")
METER = CpuMeter()


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def bench_env() -> dict[str, str]:
    db = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carepledge_bench")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_bench",
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
            "RATELIMIT_MULTIPLIER": "100000",  # the bench's own traffic comes from one address
            "ACCOUNT_RATE_LIMITS_ENABLED": "False",
            "LOG_LEVEL": "WARNING",
            # The outbox, its Celery task and the renderer all run; only the SMTP hop is skipped.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
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


def measured_round(wrk: str, script: str, url: str, seconds: int, args) -> dict:
    before = METER.snapshot()
    result = run_wrk(wrk, script, url, seconds, args)
    after = METER.snapshot()
    result["cpu_ticks"] = CpuMeter.ticks_between(before, after)
    return result


def measure(
    wrk: str, name: str, script: str, path: str, args=None, warmup=5, seconds=10, rounds=3, profile_dir=None
) -> Figure:
    url = BASE + path
    run_wrk(wrk, script, url, warmup, args)
    results = [measured_round(wrk, script, url, seconds, args) for _ in range(rounds)]
    if profile_dir:
        record_profile(wrk, name, script, url, seconds, args, Path(profile_dir))
    units = sum(r["units"] for r in results)
    ticks = {group: sum(r["cpu_ticks"].get(group, 0) for r in results) for group in CPU_GROUPS}
    figure = Figure(
        name=name,
        rps=statistics.median(r["rps"] for r in results),
        p50_ms=statistics.median(r["p50_us"] for r in results) / 1000,
        p99_ms=statistics.median(r["p99_us"] for r in results) / 1000,
        errors=sum(r["errors"] + r["non_2xx_3xx"] for r in results),
        rounds=results,
        cpu_ms=CpuMeter.per_operation(dict.fromkeys(CPU_GROUPS, 0), ticks, units),
    )
    cpu = ", ".join(f"{group} {figure.cpu_ms.get(group, 0):.1f}" for group in CPU_GROUPS)
    log(
        f"{name}: {figure.rps:.0f}/s, p50 {figure.p50_ms:.1f} ms, p99 {figure.p99_ms:.1f} ms,"
        f" errors {figure.errors}; CPU ms per operation: {cpu}"
    )
    return figure


def record_profile(wrk: str, name: str, script: str, url: str, seconds: int, args, out: Path) -> None:
    """One more round with py-spy sampling the gunicorn and Celery process trees: a flame graph
    (SVG) per scenario and group. Not counted in the figures: sampling costs a little CPU."""
    py_spy = shutil.which("py-spy") or str(Path(PY).parent / "py-spy")
    out.mkdir(parents=True, exist_ok=True)
    recorders = [
        subprocess.Popen(
            [
                py_spy,
                "record",
                "--pid",
                str(pid),
                "--subprocesses",
                "--nonblocking",
                "--duration",
                str(seconds + 1),
                "--rate",
                "200",
                "--format",
                "flamegraph",
                "--output",
                str(out / f"{name}-{group}.svg"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for group, pid in METER.roots.items()
    ]
    run_wrk(wrk, script, url, seconds, args)
    for recorder in recorders:
        try:
            recorder.wait(timeout=seconds + 30)
        except subprocess.TimeoutExpired:
            recorder.kill()
    log(f"{name}: flame graphs in {out}/{name}-{{{','.join(METER.roots)}}}.svg")


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


SCALE_PLEDGES = 1_000_000
NOTES_MARKER = "<!-- Everything below this line is kept when scripts/bench.py rewrites the file. -->"


def db_scalar(env: dict, sql: str):
    import psycopg2

    url = urlparse(env["DATABASE_URL"])
    conn = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username or "postgres", dbname=url.path.lstrip("/")
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]
    finally:
        conn.close()


def probe(env: dict, action: str, *extra: str) -> dict:
    result = manage(env, "bench_probe", action, "--base", BASE, *extra)
    match = re.search(r"BENCH_PROBE (\{.*\})", result.stdout)
    if not match:
        raise SystemExit(f"bench_probe {action} printed nothing:\n{result.stdout}\n{result.stderr}")
    return json.loads(match.group(1))


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def pledge_body(theme: int) -> str:
    return (
        "text=I+will+say+thank+you+by+name+to+every+porter+on+my+corridor%2C+pledge+{n}"
        f"&theme={theme}&kind=me&job_role=nurse&sector=nhs-acute&region=london&organisation_name="
        "&show_name=role-and-area&name=Bench&email=pledge{n}%40bench.carepledge.example&consent=on&website="
    )


@dataclass
class Scenario:
    name: str
    what: str
    script: str
    path: str
    args: list[str] | None = None
    baseline: str = ""
    target: str = ""
    env: dict | None = None


def _check_one(target: str, figure: Figure, base: Figure | None) -> bool:
    if target.startswith("ratio>="):
        ratio = figure.ratio_to(base)
        return ratio is not None and ratio >= float(target.split(">=")[1])
    if target.startswith("p99<"):
        return figure.p99_ms < float(target.split("<")[1])
    if target.startswith("cpu<="):  # machine time per operation: web, PostgreSQL and the worker
        return bool(figure.cpu_ms) and sum(figure.cpu_ms.get(g, 0.0) for g in CPU_GROUPS) <= float(target[5:])
    raise ValueError(target)


def check_target(figure: Figure, scenario: Scenario, base: Figure | None) -> str:
    """ "met" when every target of the scenario (comma-separated) is; else which are missed."""
    if not scenario.target:
        return ""
    missed = [t for t in scenario.target.split(",") if not _check_one(t, figure, base)]
    return "met" if not missed else "MISSED: " + ", ".join(target_text(t) for t in missed)


def target_text(target: str) -> str:
    texts = []
    for one in target.split(",") if target else []:
        if one.startswith("ratio>="):
            texts.append(f"≥ {float(one.split('>=')[1]):.0%} of baseline")
        elif one.startswith("p99<"):
            texts.append(f"p99 < {one.split('<')[1]} ms")
        elif one.startswith("cpu<="):
            texts.append(f"≤ {one[5:]} ms of machine time")
    return " and ".join(texts)


# Every page the micro-cache does not answer (signed in, staff, cache-busting, or not
# micro-cached at all) has to reach a fifth of the bare view with its own rendering.
UNCACHED_RATIO = "ratio>=0.2"
UNCACHED_PAGES = {
    "search-uncached",
    "pledge-page-uncached",
    "impact-uncached",
    "impact-search-uncached",
    "care-makers-impact",
    "moderation",
    "directory",
    "commitment-impact",
    "organisation-page",
    "care-makers",
    "care-maker-figures",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short rounds (2 s) for trying the harness")
    parser.add_argument("--only", help="comma-separated scenario and probe names")
    parser.add_argument("--burst", type=int, default=100_000, help="pledges in the burst (default 100,000)")
    parser.add_argument("--burst-procs", type=int, default=4)
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument(
        "--small", action="store_true", help="20,000 pledges instead of a million, for trying the harness"
    )
    parser.add_argument(
        "--profile", metavar="DIR", help="also write a py-spy flame graph (SVG) per scenario and process group to DIR"
    )
    parser.add_argument(
        "--scale-shape",
        action="store_true",
        help="nginx in front of two gunicorn instances, two Celery workers and beat: the rate against one"
        " instance, lost and duplicated pledges and emails, the recount (scripts/scale_shape.py)",
    )
    args = parser.parse_args()
    if args.scale_shape:
        import scale_shape  # scripts/, beside this file

        scale_shape.run(sys.modules[__name__], args)
        return
    seconds, warmup = (2, 1) if args.quick else (10, 5)
    scale = ["--pledges", "20000", "--care-makers", "200", "--organisations", "100"] if args.small else []
    wanted_pledges = 20_000 if args.small else SCALE_PLEDGES
    command = " ".join(["python", "scripts/bench.py", *sys.argv[1:]])
    started_at = datetime.now(UTC)
    load_before = load_average()

    env = bench_env()
    wrk = ensure_wrk()
    ensure_database(env)
    log("migrating the bench database")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    pledges = db_scalar(env, "SELECT count(*) FROM pledges_pledge")
    if pledges < wanted_pledges:
        log(f"{pledges:,} pledges in the bench database: generating the data at scale (a few minutes)")
        generated = time.monotonic()
        manage(env, "generate_scale_data", *scale, capture=False)
        log(f"data generated in {time.monotonic() - generated:.0f} s")
    pledges = db_scalar(env, "SELECT count(*) FROM pledges_pledge")
    setup = probe(env, "setup")
    log(
        f"{pledges:,} pledges; moderator signed in; test milestone at {setup['threshold']:,} on {setup['milestone_key']}"
    )

    wanted = set(args.only.split(",")) if args.only else None

    def want(name: str) -> bool:
        return wanted is None or name in wanted

    theme = setup["theme"]
    scenarios = [
        Scenario("bare", "Bare Django view, 20 bytes", "get.lua", "/bench/bare"),
        Scenario(
            "form",
            "Bare two-field form: GET, POST, insert (per submission)",
            "form.lua",
            "/bench/form",
            ["/bench/form", "name=Bench+{n}&email=bench{n}%40example.org"],
        ),
        Scenario(
            "pledge",
            "Make a pledge, signed out: GET form, POST, POST check-your-answers (per submission)",
            "form.lua",
            "/pledges/new/",
            ["/pledges/new/", pledge_body(theme), "/pledges/new/check/", ""],
            baseline="form",
            target="ratio>=0.6,cpu<=15",
        ),
        Scenario("wall", "The wall, first page", "get.lua", "/pledges/", baseline="bare", target="ratio>=0.5"),
        Scenario(
            "wall-filtered",
            "The wall filtered by theme and region",
            "get.lua",
            "/pledges/?theme=dementia&region=london",
            baseline="bare",
        ),
        Scenario(
            "search", "Search the wall (q=porters)", "get.lua", "/pledges/?q=porters", baseline="bare", target="p99<100"
        ),
        Scenario(
            "search-uncached",
            "Search, a different word each time and a cache-busting parameter (nothing cached)",
            "vary.lua",
            "/pledges/",
            ["/pledges/?q={word}&r={r}"],
            baseline="bare",
            target="p99<100",
        ),
        Scenario(
            "pledge-page",
            "One pledge's page",
            "get.lua",
            f"/pledges/{setup['pledge']}/",
            baseline="bare",
            target="p99<100",
        ),
        Scenario(
            "pledge-page-uncached",
            "One pledge's page with a cache-busting parameter (nothing cached)",
            "vary.lua",
            f"/pledges/{setup['pledge']}/",
            [f"/pledges/{setup['pledge']}/?r={{r}}"],
            baseline="bare",
            target="p99<100",
        ),
        Scenario("counts", "Counts JSON", "get.lua", "/pledges/counts.json", baseline="bare"),
        Scenario(
            "impact-uncached",
            "What pledges changed, with a cache-busting parameter (kept totals and one page of sentences)",
            "vary.lua",
            "/pledges/impact/",
            ["/pledges/impact/?r={r}"],
            baseline="bare",
        ),
        Scenario(
            "impact-search-uncached",
            "What pledges changed, sentences searched and filtered, a different word each time (nothing cached)",
            "vary.lua",
            "/pledges/impact/",
            ["/pledges/impact/?q={word}&reach=team&r={r}"],
            baseline="bare",
        ),
        Scenario(
            "care-makers-impact",
            "What Care Makers did (kept totals only)",
            "get.lua",
            "/care-makers/impact/",
            baseline="bare",
        ),
        Scenario(
            "moderation",
            "Moderation queue, signed-in moderator",
            "get.lua",
            "/moderation/held-pledges/",
            [setup["cookie"]],
            baseline="bare",
        ),
        Scenario(
            "directory",
            "Social Care Commitment directory, first page",
            "get.lua",
            "/social-care-commitment/organisations/",
            baseline="bare",
        ),
        Scenario(
            "commitment-impact",
            "Social Care Commitment in practice: employers' tasks by statement (kept totals only)",
            "vary.lua",
            "/social-care-commitment/impact/",
            ["/social-care-commitment/impact/?r={r}"],
            baseline="bare",
        ),
        Scenario(
            "organisation-page",
            "One employer's page: its tasks by statement and published evidence",
            "vary.lua",
            f"/social-care-commitment/organisations/{setup['organisation']}/",
            [f"/social-care-commitment/organisations/{setup['organisation']}/?r={{r}}"],
            baseline="bare",
        ),
        Scenario("care-makers", "Care Maker directory", "get.lua", "/care-makers/directory/", baseline="bare"),
        Scenario(
            "care-maker-figures",
            "Care Makers by region and role, with the activity figures (kept totals only)",
            "get.lua",
            "/care-makers/counts/",
            baseline="bare",
        ),
    ]

    for scenario in scenarios:
        if scenario.name in UNCACHED_PAGES:
            scenario.target = ",".join(filter(None, [UNCACHED_RATIO, scenario.target]))

    procs = Processes()
    figures: dict[str, Figure] = {}
    results: dict[str, dict] = {}
    try:
        METER.add("web", procs.start(GUNICORN_CMD, {**env, **GUNICORN_ENV}, "gunicorn").pid)
        worker = procs.start(
            [PY, "-m", "celery", "-A", "config", "worker", "--concurrency", "1", "--loglevel", "WARNING"],
            env,
            "celery",
        )
        METER.add("worker", worker.pid)
        wait_http(BASE + "/bench/bare")
        # Pages a moderator or form would redirect from show up as errors: check them first.
        for scenario in scenarios:
            if not want(scenario.name):
                continue
            # The machine's speed drifts within a sitting (other machines share its cores): a
            # page is compared with the mean of two rounds of the bare view, one just before its
            # own rounds and one just after.
            beside = 0.0
            bare_beside = scenario.baseline == "bare" and "bare" in figures
            if bare_beside:
                beside = measured_round(wrk, "get.lua", BASE + "/bench/bare", seconds, None)["rps"]
            figure = measure(
                wrk,
                scenario.name,
                scenario.script,
                scenario.path,
                scenario.args,
                warmup=warmup,
                seconds=seconds,
                profile_dir=args.profile,
            )
            if bare_beside:
                after = measured_round(wrk, "get.lua", BASE + "/bench/bare", seconds, None)["rps"]
                beside = (beside + after) / 2
            figure.baseline, figure.note, figure.beside_rps = scenario.baseline, scenario.what, beside
            figures[scenario.name] = figure
        if want("freshness"):
            results["freshness"] = probe(env, "freshness", "--times", "3" if args.quick else "7")
            log(f"counter freshness: {results['freshness']}")
        if want("milestone"):
            results["milestone"] = probe(env, "milestone")
            log(f"milestone latency: {results['milestone']}")
        if want("csv"):
            results["csv"] = probe(env, "csv")
            log(f"CSV export: {results['csv']}")
        report = {
            "figures": figures,
            "scenarios": scenarios,
            "out": Path(args.out),
            "command": command,
            "started_at": started_at,
            "load_before": load_before,
            "pledges": pledges,
            "quick": args.quick,
            "burst_procs": args.burst_procs,
        }
        outbox = db_scalar(env, "SELECT count(*) FILTER (WHERE status = 'sent') || '/' || count(*) FROM mail_email")
        results["outbox"] = {"sent_of_all": outbox}
        # Written now and again after the burst, so a long burst that fails loses nothing else.
        finish(results=results, **report)
        if want("burst"):
            log(f"burst: {args.burst:,} pledges from {args.burst_procs} processes")
            results["burst"] = probe(env, "burst", "--count", str(args.burst), "--procs", str(args.burst_procs))
            log(f"burst: {results['burst']}")
            # Let the Celery worker finish what the burst queued before the recount reads.
            recount = manage(env, "recount", "--dry-run")
            last = recount.stdout.strip().splitlines()[-1] if recount.stdout.strip() else ""
            drifted = int(re.match(r"(\d+) totals drifted", last).group(1)) if re.match(r"\d+", last) else -1
            results["burst"]["drift"] = drifted
            results["burst"]["recount"] = last
            log(f"recount --dry-run: {last}")
        outbox = db_scalar(env, "SELECT count(*) FILTER (WHERE status = 'sent') || '/' || count(*) FROM mail_email")
        results["outbox"] = {"sent_of_all": outbox}
    finally:
        procs.stop()

    finish(results=results, **report)


def finish(*, figures, scenarios, results, out, command, started_at, load_before, pledges, quick, burst_procs):
    rows = table_rows(figures, scenarios, results)
    for row in rows:
        print(" | ".join(f"{cell:<12}" if i else f"{cell:<44}" for i, cell in enumerate(row)))
    write_report(
        out,
        rows=rows,
        figures=figures,
        results=results,
        command=command,
        started_at=started_at,
        load=(load_before, load_average()),
        pledges=pledges,
        quick=quick,
        burst_procs=burst_procs,
    )
    log(f"written to {out}")


def cpu_text(figure: Figure) -> str:
    if not figure.cpu_ms:
        return ""
    parts = [figure.cpu_ms.get(group, 0.0) for group in CPU_GROUPS]
    return " + ".join(f"{part:.1f}" for part in parts) + f" = {sum(parts):.1f}"


def table_rows(figures: dict[str, Figure], scenarios: list[Scenario], results: dict) -> list[list[str]]:
    rows = [["What", "Rate /s", "p50 ms", "p99 ms", "Errors", "Ratio", "CPU ms/op web, db, worker", "Target", "Result"]]
    for scenario in scenarios:
        figure = figures.get(scenario.name)
        if figure is None:
            continue
        base = figures.get(scenario.baseline)
        ratio = f"{figure.ratio_to(base):.0%} of {scenario.baseline}" if base else "baseline"
        rows.append(
            [
                f"{scenario.name}: {scenario.what}",
                f"{figure.rps:.1f}",
                f"{figure.p50_ms:.1f}",
                f"{figure.p99_ms:.1f}",
                str(figure.errors),
                ratio,
                cpu_text(figure),
                target_text(scenario.target),
                check_target(figure, scenario, base),
            ]
        )
    if "freshness" in results:
        fresh = results["freshness"]
        met = "met" if fresh["max_s"] <= 5 else "MISSED"
        rows.append(
            [
                f"Counter freshness: publication to counts JSON ({len(fresh['all_s'])} times)",
                "",
                f"{fresh['median_s'] * 1000:.0f}",
                f"max {fresh['max_s'] * 1000:.0f}",
                "",
                "",
                "",
                "≤ 5 s",
                met,
            ]
        )
    if "milestone" in results:
        seconds = results["milestone"]["seconds"]
        met = "met" if seconds is not None and seconds <= 10 else "MISSED"
        shown = f"{seconds * 1000:.0f}" if seconds is not None else "none in 60 s"
        rows.append(["Milestone: crossing pledge to milestone email row", "", shown, "", "", "", "", "≤ 10 s", met])
    if "csv" in results:
        csv_result = results["csv"]
        met = "met" if csv_result["peak_mib"] < 150 else "MISSED"
        rows.append(
            [
                f"CSV export, {csv_result['rows']:,} rows: peak RSS {csv_result['peak_mib']:.0f} MiB",
                "",
                f"{csv_result['seconds'] * 1000:.0f}",
                "",
                "",
                "",
                "",
                "< 150 MB",
                met,
            ]
        )
    if "burst" in results:
        burst = results["burst"]
        met = "met" if burst.get("drift") == 0 else "MISSED"
        rows.append(
            [
                f"Burst of {burst['pledges']:,} pledges, then recount --dry-run: {burst.get('drift')} drifted",
                f"{burst['per_second']:.1f}",
                "",
                "",
                "",
                "",
                "",
                "zero drift",
                met,
            ]
        )
    return rows


GUNICORN_NOTE = """gunicorn runs with the production settings, `config/gunicorn.py`: `gthread`, {workers} workers x
{threads} threads, keep-alive 5 s, and the objects loaded at start-up frozen out of the garbage
collector's full collections (`gc.freeze()` once a worker has loaded Django). Why: almost every request here waits on PostgreSQL or Redis for part of its time. On 2 cores,
cores + 1 processes keep both cores busy while one process waits; 4 threads each let a
process overlap those waits without the memory of more processes, and gthread keeps HTTP
connections alive (sync workers close every connection, which would measure TCP set-up rather
than Care Pledge). More threads than 4 only add GIL contention on 2 cores. Each worker holds at
most {connections} connections (twice its threads): kept-alive connections stay with the worker that
took them, and without a cap one worker could take most of wrk's 16, holding the site to the one
core its GIL allows. Async workers (gevent, uvicorn) would need the ORM and psycopg2 made
cooperative, which this site does not do."""


def write_report(path: Path, *, rows, figures, results, command, started_at, load, pledges, quick, burst_procs):
    kept = ""
    if path.exists():
        text = path.read_text()
        if NOTES_MARKER in text:
            kept = text.split(NOTES_MARKER, 1)[1]
    header, *body = rows
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`scripts/bench.py`). Figures are compared with the bare Django",
        "baselines measured by the same gunicorn, on the same machine, in the same sitting: this",
        "machine is shared, so absolute numbers move from run to run and only the ratios count.",
        "",
        f"- Date: {started_at:%Y-%m-%d %H:%M} UTC" + (" (quick run: 2 s rounds)" if quick else ""),
        f"- Machine: {machine_description()}",
        f"- Load average (1, 5, 15 min) at the start and the end: {load[0]} / {load[1]}",
        f"- Data: {pledges:,} pledges over three campaigns, 5,000 Care Makers, 3,000 organisations"
        " (`manage.py generate_scale_data`)",
        f"- Command: `make bench` (runs `{command}`)",
        f"- Load generator: wrk, {CONNECTIONS} connections, {THREADS} threads (one per simulated person),"
        " a warm-up, then 3 rounds; the median round is shown. Rates for form scenarios count whole submissions.",
        "",
        "## Results",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in body),
        "",
        "## How each figure is taken",
        "",
        "- **pledge**: a signed-out person makes a pledge the way the public does: GET `/pledges/new/` (CSRF",
        "  cookie and token), POST the form, POST the check-your-answers page. The pledge is saved unconfirmed",
        "  and its confirmation email is queued in the outbox (the real path for the public: signed-out",
        "  pledges need their email confirmed). Rate limits are raised with `RATELIMIT_MULTIPLIER` for the bench.",
        "- **CPU ms/op**: CPU time (user + system, from `/proc/<pid>/stat`) taken during the measured rounds by",
        "  the gunicorn master and workers (web), every PostgreSQL server process (db) and the Celery worker",
        "  (worker), divided by the operations wrk completed. PostgreSQL is shared with anything else on the",
        "  machine, so that column is only clean on a quiet machine. `--profile DIR` writes a py-spy flame graph",
        "  per scenario and group from one more round.",
        "- **Ratio**: a page's rate over the bare view's mean rate in a round measured just before the page's",
        "  own rounds and one just after (in `performance.json` as `beside_rps`), because the machine's speed",
        "  drifts within a sitting;",
        "  the bare row is the sitting's start. The signed-out pledge compares with the bare form of the start.",
        "- **moderation** sends the cookies of a moderator made by `manage.py bench_probe setup`: the"
        " session cookie, and the CSRF cookie the queue page set, as their browser would.",
        "- **impact**: `bench_probe setup` gives the current campaign 500 published sentences about what"
        " pledges changed (through the service people's answers go through), so the page draws a page of them.",
        "- **Counter freshness**: a pledge is submitted and confirmed through `pledges.services` in a separate",
        "  process (`bench_probe freshness`); the clock starts just before the confirmation and stops when",
        "  `/pledges/counts.json`, read over HTTP from gunicorn, shows the new total.",
        "- **Milestone**: a test rule on `pledges:<campaign>:theme:dementia` with a threshold one above today's",
        "  total; the crossing pledge is confirmed and the `milestone-reached` email row polled for.",
        "- **CSV export**: `bench_probe csv` runs the open-data CSV view in a child process and streams all of",
        "  it; the figure is that process's `ru_maxrss` (peak resident memory, Django loaded included).",
        "- **Burst**: the pledges go through `pledge_submit` then `pledge_confirm` (the service functions the",
        f"  views call) from {burst_procs} processes, because HTTP at this rate would take far longer on 2 cores;",
        "  then `manage.py recount --dry-run` compares every kept total with a full count.",
        f"- A Celery worker (`celery -A config worker --concurrency 1`) runs throughout; outbox rows sent/all at"
        f" the end: {results.get('outbox', {}).get('sent_of_all', 'n/a')}. Email goes to Django's dummy backend"
        " (the outbox, its task and the renderer run; only SMTP is skipped).",
        "",
        "## gunicorn",
        "",
        GUNICORN_NOTE.format(workers=GUNICORN_WORKERS, threads=GUNICORN_THREADS, connections=2 * GUNICORN_THREADS),
        "",
        f"Every round's figures: [`{path.with_suffix('.json').name}`]({path.with_suffix('.json').name}).",
        "",
        NOTES_MARKER,
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = {"figures": {k: f.__dict__ for k, f in figures.items()}, "probes": results}
    path.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str) + "\n")
    path.write_text("\n".join(lines) + (kept if kept else "\n"))


if __name__ == "__main__":
    main()

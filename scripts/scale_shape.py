"""`make bench BENCH_ARGS=--scale-shape`: Care Pledge in the shape it would take on more than
one machine, on loopback: Debian's nginx with the repo's site (deploy/nginx/carepledge.conf)
in front of two gunicorn instances (separate process trees with config/gunicorn.py, on two
ports, as two machines would be), two Celery workers and beat, mail to an SMTP server the
bench runs, so "sent" means a message arrived.

Signed-out people make pledges through nginx (GET the form, POST it, POST check-your-answers,
as the bench's pledge scenario does), in rounds that alternate between an nginx with one
gunicorn upstream and an nginx with both, so the two rates come from the same sitting. Then:

- 0 lost: every submission the site accepted (the last POST redirected to the "sent" page,
  written down by bench/wrk/ledger.lua) is a pledge row, with one confirmation in the outbox,
  sent and received by the SMTP server;
- 0 duplicated: no pledge has two confirmation rows, and no message arrived twice (by
  Message-ID, and by recipient: every address is used once);
- the recount: every confirmation link that arrived is followed through nginx (GET, then
  POST the confirm button), so the kept counters move on both instances at once, and
  `manage.py recount --dry-run` reports how many totals drifted.

Beside each rate, the CPU each process group used (cores: CPU seconds per second of the
round), read from /proc, and how busy the whole machine was, to show what saturates.

    .venv/bin/python scripts/bench.py --scale-shape --small --quick   # a try: 20,000 pledges
    SCALE_SHAPE_CONTROL=1 ...   # also one instance with twice the workers, as a control
    make bench BENCH_ARGS=--scale-shape                               # at a million pledges

Results: printed, and every round in docs/performance-scale.json.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "carepledge.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
EMAIL_DOMAIN = "bench.carepledge.example"


# --- nginx: the repo's site, templated for ports ---------------------------------------


def _swap(text: str, pattern: str, replacement: str) -> str:
    new, count = re.subn(pattern, replacement, text)
    if count != 1:
        # A change to the site file's shape fails here instead of silently running something else.
        raise ValueError(f"expected one {pattern!r} in {SITE.name}, found {count}")
    return new


def nginx_site(upstreams: list[str], *, listen: int, mail_listen: int, mail: str = "127.0.0.1:9") -> str:
    """deploy/nginx/carepledge.conf with compose's host names and ports swapped for local ones:
    the site on 127.0.0.1:`listen`, balancing over `upstreams` ("127.0.0.1:8001", ...)."""
    if not upstreams:
        raise ValueError("nginx needs at least one upstream")
    site = SITE.read_text()
    servers = "\n    ".join(f"server {upstream};" for upstream in upstreams)
    site = _swap(site, r"server web:8000;", servers)
    site = _swap(site, r"listen 80;", f"listen 127.0.0.1:{listen};")
    site = _swap(site, r"listen 8025;", f"listen 127.0.0.1:{mail_listen};")
    return _swap(site, r"proxy_pass http://mail:8025;", f"proxy_pass http://{mail};")


def write_nginx_config(
    folder: Path,
    *,
    upstreams: list[str],
    listen: int,
    mail_listen: int,
    mail: str = "127.0.0.1:9",
    worker_processes: int = 1,
    worker_connections: int = 64,
) -> Path:
    """A main nginx.conf in `folder` (its pid, logs and temporary files kept there too) that
    includes the templated site: nginx runs as this user, with `-p folder/ -c nginx.conf`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "carepledge.conf").write_text(nginx_site(upstreams, listen=listen, mail_listen=mail_listen, mail=mail))
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    # As root, nginx would hand its workers to "nobody", who cannot write in the folder.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main = f"""{user}worker_processes {worker_processes};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections {worker_connections}; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/carepledge.conf;
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main)
    return path


def nginx_command(config: Path, *extra: str) -> list[str]:
    folder = config.parent
    return [NGINX, "-p", f"{folder}/", "-c", str(config), "-e", f"{folder}/error.log", *extra]


def nginx_test(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(nginx_command(config, "-t"), capture_output=True, text=True, timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"process {process.args[0]} stopped before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listened on {port} within {timeout} s")


# --- mail: an SMTP server that keeps what arrives ---------------------------------------


class MailSink:
    """aiosmtpd on loopback, in this process: each message's Message-ID, recipients and
    confirmation link, as the site's SMTP backend delivered it."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.messages: list[dict] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
                sink.keep(envelope)
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=port)

    def keep(self, envelope) -> None:
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        text = message.get_body(preferencelist=("plain",))
        link = re.search(r"https?://\S+/pledges/confirm/[^\s/]+/", text.get_content() if text else "")
        with self.lock:
            self.messages.append(
                {
                    "message_id": str(message.get("Message-ID", "")).strip(),
                    "to": [address.lower() for address in envelope.rcpt_tos],
                    "confirm_url": link.group(0) if link else "",
                }
            )

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.messages)


# --- CPU: which process group uses the machine ---------------------------------------------


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all cores since boot, from the first line of /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


def database_backends(env: dict) -> set[int]:
    """Process ids of the PostgreSQL backends connected to the bench's database (not this query's)."""
    name = urllib.parse.urlparse(env["DATABASE_URL"]).path.lstrip("/")
    rows = _rows(env, "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name])
    return {pid for (pid,) in rows}


def cpu_snapshot(bench, meter, env: dict) -> dict:
    """CPU seconds so far of each group: the process trees in `meter`, the PostgreSQL backends
    of the bench's database (each by its id, so a backend that starts or ends in a round is no
    trouble), Redis by name (one server shared with anything else on the machine), wrk (this
    process's waited-for children) and this process itself (the SMTP server)."""
    stats = bench._all_stats()
    ticks = {name: sum(group.values()) for name, group in meter.snapshot().items()}
    ticks.pop("postgres", None)  # every PostgreSQL process on the machine: others' too
    ticks["redis"] = sum(bench._cpu_ticks(f) for f in stats.values() if f[0] == "redis-server")
    seconds = {name: value / bench.CLOCK_TICKS for name, value in ticks.items()}
    seconds["backends"] = {
        pid: bench._cpu_ticks(stats[pid]) / bench.CLOCK_TICKS for pid in database_backends(env) if pid in stats
    }
    children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
    seconds["wrk"] = children.ru_utime + children.ru_stime
    seconds["smtp"] = own.ru_utime + own.ru_stime
    busy, total = machine_ticks()
    seconds["machine_busy"], seconds["machine_total"] = busy / bench.CLOCK_TICKS, total / bench.CLOCK_TICKS
    return seconds


# Groups as the table shows them: name -> the meter's parts.
GROUPS = {
    "nginx": ("nginx-one", "nginx-two"),
    "web A": ("web-a",),
    "web B": ("web-b",),
    "web C": ("web-c",),
    "PostgreSQL": ("backends",),
    "Celery (2 workers, beat)": ("worker-1", "worker-2", "beat"),
    "Redis": ("redis",),
    "wrk": ("wrk",),
    "SMTP server": ("smtp",),
}


def cores_used(before: dict, after: dict, wall: float) -> dict[str, float]:
    """Cores each group kept busy on average over `wall` seconds, and the whole machine."""

    def spent(part: str) -> float:
        if part == "backends":  # by backend: one that ended took its time with it, a new one counts whole
            return sum(value - before[part].get(pid, 0.0) for pid, value in after[part].items())
        return after.get(part, 0) - before.get(part, 0)

    used = {
        group: sum(spent(part) for part in parts) / wall
        for group, parts in GROUPS.items()
        if any(part in after for part in parts)  # web C runs only with the control shape
    }
    used["all of the above"] = sum(used.values())
    busy = after["machine_busy"] - before["machine_busy"]
    used["machine busy"] = busy / max(after["machine_total"] - before["machine_total"], 1e-9) * (os.cpu_count() or 1)
    return used


def resident_mib(bench, meter) -> dict[str, float]:
    """Resident memory of each process tree in `meter`, in MiB (shared pages counted in each)."""
    stats = bench._all_stats()
    children: dict[int, list[int]] = {}
    for pid, fields in stats.items():
        children.setdefault(int(fields[2]), []).append(pid)
    page = os.sysconf("SC_PAGE_SIZE")
    sizes = {}
    for name, root in meter.roots.items():
        total, todo = 0, [root]
        while todo:
            pid = todo.pop()
            if pid in stats:
                total += int(stats[pid][22])  # rss, in pages (proc(5): field 24)
            todo.extend(children.get(pid, ()))
        sizes[name] = total * page / 2**20
    return sizes


def wait_idle(bench, meter, log, names=None, timeout: float = 120) -> None:
    """Until none of the process trees `names` (default: all in `meter`) uses more than a
    twentieth of a core over a second."""
    names = list(names or meter.roots)
    deadline = time.monotonic() + timeout
    before = meter.snapshot()
    while time.monotonic() < deadline:
        time.sleep(1)
        after = meter.snapshot()
        spent = bench.CpuMeter.ticks_between(before, after)
        busiest = max(spent[name] / bench.CLOCK_TICKS for name in names)
        if busiest < 0.05:
            return
        before = after
    log(f"scale shape: {', '.join(names)} still busy after {timeout:.0f} s; measuring anyway")


# --- The run ---------------------------------------------------------------------------


def _db(env: dict):
    import psycopg2

    url = urllib.parse.urlparse(env["DATABASE_URL"])
    conn = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username or "postgres", dbname=url.path.lstrip("/")
    )
    conn.autocommit = True
    return conn


def _rows(env: dict, sql: str, params=()) -> list[tuple]:
    conn = _db(env)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def wait_outbox(env: dict, like: str, timeout: float, log) -> int:
    """Wait until no email to the run's addresses is queued or sending; return how many still are."""
    deadline = time.monotonic() + timeout
    while True:
        waiting = _rows(
            env, "SELECT count(*) FROM mail_email WHERE \"to\" LIKE %s AND status IN ('queued', 'sending')", [like]
        )[0][0]
        if not waiting or time.monotonic() > deadline:
            return waiting
        log(f"outbox: {waiting} emails of the run still queued or sending")
        time.sleep(3)


def confirm_one(url: str) -> str:
    """Open a confirmation link as the person would: GET shows the button, POST confirms.
    Cookies are kept by hand, as wrk keeps them: production marks them Secure, and this is
    plain HTTP on loopback."""
    parts = urllib.parse.urlsplit(url)
    cookies: dict[str, str] = {}

    def call(method: str, body: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        if body is not None:
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Referer": url})
        try:
            connection.request(method, parts.path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            connection.close()

    try:
        status, html = call("GET")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not token:
            return f"GET {status}"
        status, _ = call("POST", urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1)}))
        return "confirmed" if status == 302 else f"POST {status}"
    except OSError as exc:
        return type(exc).__name__


def check_ledger(env: dict, accepted: list[str], tag_like: str, messages: list[dict]) -> dict:
    """Lost and duplicated, from the ledger, the database and what the SMTP server received."""
    pledges = dict(_rows(env, "SELECT lower(email), id FROM pledges_pledge WHERE email LIKE %s", [tag_like]))
    rows = _rows(
        env,
        'SELECT key, status, message_id, lower("to") FROM mail_email WHERE kind = \'pledge-confirm\' AND "to" LIKE %s',
        [tag_like],
    )
    per_pledge: dict[int, int] = {}
    for key, *_ in rows:
        pledge_id = int(key.split(":")[1])
        per_pledge[pledge_id] = per_pledge.get(pledge_id, 0) + 1
    received_ids: dict[str, int] = {}
    received_to: dict[str, int] = {}
    for message in messages:
        received_ids[message["message_id"]] = received_ids.get(message["message_id"], 0) + 1
        for to in message["to"]:
            received_to[to] = received_to.get(to, 0) + 1
    sent_ids = {message_id for _, status, message_id, _ in rows if status == "sent"}
    accepted_set = set(accepted)
    return {
        "accepted": len(accepted),
        "accepted_twice_in_ledger": len(accepted) - len(accepted_set),
        "pledge_rows": len(pledges),
        "accepted_without_pledge": len(accepted_set - set(pledges)),
        "pledges_not_in_ledger": len(set(pledges) - accepted_set),
        "pledges_without_confirmation_row": sum(1 for pk in pledges.values() if pk not in per_pledge),
        "confirmation_rows": len(rows),
        "rows_sent": sum(1 for row in rows if row[1] == "sent"),
        "rows_not_sent": sum(1 for row in rows if row[1] != "sent"),
        "pledges_with_two_or_more_rows": sum(1 for n in per_pledge.values() if n > 1),
        "messages_received": len(messages),
        "message_ids_received_twice": sum(n - 1 for n in received_ids.values() if n > 1),
        "addresses_received_twice": sum(n - 1 for n in received_to.values() if n > 1),
        "sent_rows_never_received": len(sent_ids - set(received_ids)),
        "received_without_a_sent_row": len(set(received_ids) - sent_ids),
    }


def run(bench, args) -> None:
    """Called by scripts/bench.py for --scale-shape; `bench` is that module (its helpers)."""
    log = bench.log
    started_at = datetime.now(UTC)
    seconds, warmup, rounds = (4, 2, 3) if args.quick else (10, 5, 3)
    tmp = Path(tempfile.mkdtemp(prefix="carepledge-scale-"))
    # SCALE_SHAPE_CONTROL=1 adds a third shape: one instance with twice the workers, which
    # tells a gain from more processes (a larger share of a busy machine) from one of two instances.
    shapes = ["one", "two"] + (["wide"] if os.environ.get("SCALE_SHAPE_CONTROL") == "1" else [])
    webs = ["web-a", "web-b"] + (["web-c"] if "wide" in shapes else [])
    ports = {name: free_port() for name in [*(f"nginx-{shape}" for shape in shapes), *webs, "smtp"]}
    base = {shape: f"http://127.0.0.1:{ports[f'nginx-{shape}']}" for shape in shapes}
    tag = uuid.uuid4().hex[:8]
    tag_like = f"scale-{tag}-%@{EMAIL_DOMAIN}"

    env = bench.bench_env()
    env.update(
        {
            "SITE_URL": base["two"],  # the links in emails go through nginx, to both instances
            "TRUSTED_PROXY_COUNT": "1",  # as docker-compose.yml sets it behind nginx
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(ports["smtp"]),
            "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "carepledge-bench-scale-static"),
        }
    )
    wrk = bench.ensure_wrk()
    bench.ensure_database(env)
    log("scale shape: migrating the bench database")
    bench.manage(env, "migrate", "--noinput")
    bench.manage(env, "collectstatic", "--noinput")
    wanted = 20_000 if args.small else bench.SCALE_PLEDGES
    pledges = bench.db_scalar(env, "SELECT count(*) FROM pledges_pledge")
    if pledges < wanted:
        log(f"{pledges:,} pledges in the bench database: generating the data at scale")
        small = ["--pledges", "20000", "--care-makers", "200", "--organisations", "100"] if args.small else []
        bench.manage(env, "generate_scale_data", *small, capture=False)
        pledges = bench.db_scalar(env, "SELECT count(*) FROM pledges_pledge")
    setup = bench.probe(env, "setup")
    body = re.sub(r"email=[^&]*", f"email=scale-{tag}-{{n}}%40{EMAIL_DOMAIN}", bench.pledge_body(setup["theme"]))
    log(f"scale shape: {pledges:,} pledges in {urllib.parse.urlparse(env['DATABASE_URL']).path[1:]}; run tag {tag}")

    meter = bench.CpuMeter()
    procs = bench.Processes()
    nginx_procs: list[subprocess.Popen] = []
    results: dict = {"rounds": [], "tag": tag}
    with MailSink(ports["smtp"]) as sink:
        try:
            for name in webs:
                web_env = {**env, **bench.GUNICORN_ENV, "GUNICORN_BIND": f"127.0.0.1:{ports[name]}"}
                if name == "web-c":
                    web_env["GUNICORN_WORKERS"] = str(2 * bench.GUNICORN_WORKERS)
                meter.add(name, procs.start(bench.GUNICORN_CMD, web_env, f"scale-{name}").pid)
            celery = [sys.executable, "-m", "celery", "-A", "config"]
            quiet = ["-P", "solo", "--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "WARNING"]
            for n in (1, 2):
                worker = procs.start([*celery, "worker", "-n", f"scale{n}@%h", *quiet], env, f"scale-worker-{n}")
                meter.add(f"worker-{n}", worker.pid)
            beat = [
                *celery,
                "beat",
                "-s",
                str(tmp / "beat-schedule"),
                "--pidfile",
                str(tmp / "beat.pid"),
                "-l",
                "WARNING",
            ]
            meter.add("beat", procs.start(beat, env, "scale-beat").pid)
            upstreams = {"one": [f"127.0.0.1:{ports['web-a']}"]}
            upstreams["two"] = [*upstreams["one"], f"127.0.0.1:{ports['web-b']}"]
            upstreams["wide"] = [f"127.0.0.1:{ports.get('web-c')}"]
            for shape in shapes:
                config = write_nginx_config(
                    tmp / f"nginx-{shape}",
                    upstreams=upstreams[shape],
                    listen=ports[f"nginx-{shape}"],
                    mail_listen=free_port(),
                    worker_connections=1024,
                )
                tested = nginx_test(config)
                if tested.returncode != 0:
                    raise SystemExit(f"nginx -t refused {config}:\n{tested.stderr}")
                process = subprocess.Popen(
                    nginx_command(config, "-g", "daemon off;"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                nginx_procs.append(process)
                meter.add(f"nginx-{shape}", process.pid)
                wait_port(ports[f"nginx-{shape}"], process)
            for name in webs:
                bench.wait_http(f"http://127.0.0.1:{ports[name]}/bench/bare")
            # One worker answering is not all of them: the others may still be loading Django,
            # which would count against the first round. Wait until every process is idle.
            wait_idle(bench, meter, log)

            def submit(shape: str, secs: int, ledger: Path) -> dict:
                ledger.mkdir(parents=True, exist_ok=True)
                wrk_args = ["/pledges/new/", body, "/pledges/new/check/", "", str(ledger), "/pledges/new/sent/"]
                return bench.run_wrk(wrk, "ledger.lua", base[shape] + "/pledges/new/", secs, wrk_args)

            for shape in shapes:
                submit(shape, warmup, tmp / "ledger" / f"warmup-{shape}")
            # Rotate which shape goes first, so a change in the machine's load hits all alike.
            order = [shapes[i % len(shapes) :] + shapes[: i % len(shapes)] for i in range(rounds)]
            for i, pair in enumerate(order):
                for shape in pair:
                    # Requests still in flight when the last round stopped are not this round's.
                    wait_idle(bench, meter, log, names=webs, timeout=20)
                    before, clock = cpu_snapshot(bench, meter, env), time.monotonic()
                    result = submit(shape, seconds, tmp / "ledger" / f"{i}-{shape}")
                    after, wall = cpu_snapshot(bench, meter, env), time.monotonic() - clock
                    result.update(shape=shape, round=i, wall_s=wall, cores=cores_used(before, after, wall))
                    result["cpu_ms_per_submission"] = {
                        group: cores * wall * 1000 / max(result["units"], 1)
                        for group, cores in result["cores"].items()
                        if group not in ("machine busy", "all of the above")
                    }
                    results["rounds"].append(result)
                    log(
                        f"scale shape round {i} {shape}: {result['rps']:.1f} submissions/s, p99"
                        f" {result['p99_us'] / 1000:.0f} ms, errors {result['errors'] + result['non_2xx_3xx']};"
                        f" cores: " + ", ".join(f"{g} {c:.2f}" for g, c in result["cores"].items())
                    )

            results["resident_mib"] = resident_mib(bench, meter)
            log(f"scale shape: resident memory, MiB: {results['resident_mib']}")
            log("scale shape: waiting for the outbox to send every confirmation")
            results["unsent_after_wait"] = wait_outbox(env, tag_like, 300 if args.quick else 900, log)
            time.sleep(2)  # the last SMTP conversations end
            accepted = [
                urllib.parse.unquote(line.strip()).lower()
                for path in (tmp / "ledger").glob("*/*.txt")
                for line in path.read_text().splitlines()
                if line.strip()
            ]
            # Only the run's own: the site may mail others meanwhile (staff, milestone news).
            mine = re.compile(f"scale-{tag}-.*@{re.escape(EMAIL_DOMAIN)}$")
            messages = [m for m in sink.snapshot() if any(mine.match(to) for to in m["to"])]
            results["checks"] = check_ledger(env, accepted, tag_like, messages)
            log(f"scale shape checks: {results['checks']}")

            links = [m["confirm_url"] for m in messages if m["confirm_url"].startswith(base["two"])]
            log(f"scale shape: following {len(links)} confirmation links through nginx")
            clock = time.monotonic()
            with ThreadPoolExecutor(max_workers=8) as pool:
                outcomes = list(pool.map(confirm_one, links))
            wall = time.monotonic() - clock
            tally: dict[str, int] = {}
            for outcome in outcomes:
                tally[outcome] = tally.get(outcome, 0) + 1
            results["confirm"] = {"links": len(links), "outcomes": tally, "per_second": len(links) / max(wall, 1e-9)}
            results["confirm"]["counted"] = _rows(
                env,
                "SELECT count(*) FROM pledges_pledge WHERE email LIKE %s AND status NOT IN ('unconfirmed')",
                [tag_like],
            )[0][0]
            log(f"scale shape confirmations: {results['confirm']}")
            wait_outbox(env, tag_like, 120, log)
            recount = bench.manage(env, "recount", "--dry-run")
            last = recount.stdout.strip().splitlines()[-1] if recount.stdout.strip() else ""
            match = re.match(r"(\d+) totals drifted", last)
            results["recount"] = {"drifted": int(match.group(1)) if match else -1, "output": recount.stdout[-4000:]}
            log(f"scale shape recount --dry-run: {last}")
            results["outbox_of_run"] = dict(
                _rows(env, 'SELECT status, count(*) FROM mail_email WHERE "to" LIKE %s GROUP BY status', [tag_like])
            )
        finally:
            for process in nginx_procs:
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        process.kill()
            procs.stop()

    results.update(
        started_at=started_at.isoformat(),
        finished_at=datetime.now(UTC).isoformat(),
        pledges_in_database=pledges,
        seconds=seconds,
        load=bench.load_average(),
        machine=bench.machine_description(),
        command=" ".join(["python", "scripts/bench.py", *sys.argv[1:]]),
    )
    out = Path(args.out).with_name("performance-scale.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    print("\n".join(report_lines(results)))
    log(f"scale shape: every round in {out}")
    shutil.rmtree(tmp, ignore_errors=True)  # nginx's folders and the ledger (kept if the run failed)


def _median(rounds: list[dict], shape: str, getter) -> float:
    return statistics.median(getter(r) for r in rounds if r["shape"] == shape)


def report_lines(results: dict) -> list[str]:
    """The tables as markdown: the rates with the cores each group used, then the checks."""
    rounds = results["rounds"]
    groups = list(rounds[0]["cores"]) if rounds else []
    header = ["Shape", "Submissions /s", "p50 ms", "p99 ms", "Errors", "CPU ms per submission (all but wrk)"]
    header += [f"cores: {group}" for group in groups]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    rates = {}
    labels = (
        ("one", "nginx, one gunicorn instance"),
        ("two", "nginx, two gunicorn instances"),
        ("wide", "control: nginx, one instance with twice the workers"),
    )
    for shape, label in labels:
        mine = [r for r in rounds if r["shape"] == shape]
        if not mine:
            continue
        rates[shape] = _median(rounds, shape, lambda r: r["rps"])
        per_sub = _median(rounds, shape, lambda r: sum(v for k, v in r["cpu_ms_per_submission"].items() if k != "wrk"))
        row = [
            label,
            f"{rates[shape]:.1f}",
            f"{_median(rounds, shape, lambda r: r['p50_us']) / 1000:.0f}",
            f"{_median(rounds, shape, lambda r: r['p99_us']) / 1000:.0f}",
            str(sum(r["errors"] + r["non_2xx_3xx"] for r in mine)),
            f"{per_sub:.1f}",
        ]
        row += [f"{_median(rounds, shape, lambda r, g=g: r['cores'][g]):.2f}" for g in groups]
        lines.append("| " + " | ".join(row) + " |")
    if "one" in rates and "two" in rates:
        lines += ["", f"Two instances against one, same sitting (median rounds): {rates['two'] / rates['one']:.2f}"]
    if "one" in rates and "wide" in rates:
        lines += [f"One instance with twice the workers against one: {rates['wide'] / rates['one']:.2f}"]
    if results.get("resident_mib"):
        sizes = ", ".join(f"{name} {mib:.0f}" for name, mib in results["resident_mib"].items())
        lines += ["", f"Resident memory after the rounds, MiB (each process tree): {sizes}"]
    checks = results.get("checks")
    if checks:
        lost = checks["accepted_without_pledge"] + checks["pledges_without_confirmation_row"]
        lost += checks["rows_not_sent"] + checks["sent_rows_never_received"]
        duplicated = checks["pledges_with_two_or_more_rows"] + checks["message_ids_received_twice"]
        duplicated += checks["addresses_received_twice"] + checks["accepted_twice_in_ledger"]
        confirm = results.get("confirm", {})
        drift = results.get("recount", {}).get("drifted")
        lines += [
            "",
            "| Check | Figure | Result |",
            "|---|---|---|",
            f"| Submissions accepted (redirected to the sent page), all rounds | {checks['accepted']:,} | |",
            f"| Pledge rows of the run | {checks['pledge_rows']:,} | |",
            f"| Pledge rows not in the ledger (wrk stopped or timed out before the answer) |"
            f" {checks['pledges_not_in_ledger']:,} | |",
            f"| Lost: accepted without a pledge row | {checks['accepted_without_pledge']} | |",
            f"| Lost: pledge without a confirmation row | {checks['pledges_without_confirmation_row']} | |",
            f"| Lost: confirmation rows not sent after the wait | {checks['rows_not_sent']} | |",
            f"| Lost: sent rows the SMTP server never received | {checks['sent_rows_never_received']} | |",
            f"| **Lost, all kinds** | **{lost}** | {'met' if lost == 0 else 'MISSED'} |",
            f"| Duplicated: pledges with two or more confirmation rows | {checks['pledges_with_two_or_more_rows']} | |",
            f"| Duplicated: messages received with a Message-ID already received | {checks['message_ids_received_twice']} | |",
            f"| Duplicated: addresses that received more than one message | {checks['addresses_received_twice']} | |",
            f"| **Duplicated, all kinds** | **{duplicated}** | {'met' if duplicated == 0 else 'MISSED'} |",
            f"| Messages received / confirmation rows sent | {checks['messages_received']:,} / {checks['rows_sent']:,} | |",
            f"| Messages received whose row is not marked sent | {checks['received_without_a_sent_row']} | |",
            f"| Confirmation links followed through nginx (GET, POST) | {confirm.get('links', 0):,} at"
            f" {confirm.get('per_second', 0):.0f}/s: {confirm.get('outcomes', {})} | |",
            f"| Recount afterwards (`recount --dry-run`): totals drifted | {drift} |"
            f" {'met' if drift == 0 else 'MISSED'} |",
        ]
    return lines

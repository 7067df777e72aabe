"""The repo's nginx site (deploy/nginx/carepledge.conf), made runnable outside docker: a main
configuration in a temporary folder includes the site file with its compose host names and
ports swapped for local ones. Each swap must match exactly once, so a change to the site
file's shape fails here instead of silently testing something else."""

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "carepledge.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_or_skip() -> str:
    """Debian's nginx. Missing: fail under REQUIRE_SERVICES=1 or CI (.ci/run installs it), else skip."""
    if os.path.isfile(NGINX) and os.access(NGINX, os.X_OK):
        return NGINX
    required = settings.REQUIRE_SERVICES or os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    message = f"nginx is not installed at {NGINX} (Debian: apt-get install nginx)"
    if required:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _swap(text: str, pattern: str, replacement: str) -> str:
    new, count = re.subn(pattern, replacement, text)
    assert count == 1, f"expected one {pattern!r} in {SITE.name}, found {count}"
    return new


def write_config(folder: Path, *, web: str, listen: int, mail_listen: int, mail: str = "127.0.0.1:9") -> Path:
    """A main nginx.conf in `folder` serving the site on 127.0.0.1:`listen` in front of `web`."""
    site = SITE.read_text()
    site = _swap(site, r"server web:8000;", f"server {web};")
    site = _swap(site, r"listen 80;", f"listen 127.0.0.1:{listen};")
    site = _swap(site, r"listen 8025;", f"listen 127.0.0.1:{mail_listen};")
    site = _swap(site, r"proxy_pass http://mail:8025;", f"proxy_pass http://{mail};")
    (folder / "carepledge.conf").write_text(site)
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    user = "user root root;\n" if os.geteuid() == 0 else ""
    main = f"""{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 64; }}
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


def nginx_test(nginx: str, config: Path) -> subprocess.CompletedProcess:
    folder = config.parent
    return subprocess.run(
        [nginx, "-t", "-p", f"{folder}/", "-c", str(config), "-e", f"{folder}/error.log"],
        capture_output=True,
        text=True,
        timeout=30,
    )


class RunningNginx:
    def __init__(self, nginx: str, config: Path, port: int):
        folder = config.parent
        self.port = port
        self.process = subprocess.Popen(
            [nginx, "-p", f"{folder}/", "-c", str(config), "-e", f"{folder}/error.log", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {self.process.stderr.read().decode()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("nginx did not start listening within 10 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

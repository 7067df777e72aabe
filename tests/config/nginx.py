"""The repo's nginx site (deploy/nginx/carepledge.conf), made runnable outside docker: a main
configuration in a temporary folder includes the site file with its compose host names and
ports swapped for local ones. Each swap must match exactly once, so a change to the site
file's shape fails here instead of silently testing something else. The templating is the
bench's (scripts/scale_shape.py, which runs the same site in front of two instances)."""

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
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


def scale_shape():
    """scripts/scale_shape.py, loaded from its file (scripts/ is not a package)."""
    name = "carepledge_scale_shape"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "scale_shape.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def write_config(folder: Path, *, web: str, listen: int, mail_listen: int, mail: str = "127.0.0.1:9") -> Path:
    """A main nginx.conf in `folder` serving the site on 127.0.0.1:`listen` in front of `web`."""
    return scale_shape().write_nginx_config(folder, upstreams=[web], listen=listen, mail_listen=mail_listen, mail=mail)


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

"""The processes under load: app replicas (``streamlit run app.py``) and an nginx in front.

``AppProcess`` starts one replica on a free loopback port and reads its CPU time and
resident memory from ``/proc/<pid>``. ``Nginx`` starts Debian's nginx as an ordinary
user process (its own prefix, pid file and temp folders under a temporary directory)
with cookie affinity: the first response sets a ``lab_replica`` cookie holding a
random id, and ``hash $affinity consistent`` sends every later request carrying it,
the websocket included, to the same replica. Open-source nginx has no ``sticky
cookie``; hashing the cookie gives the same effect, and when a replica dies the hash
moves only its students to the others.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COOKIE = "lab_replica"
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not become healthy")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class AppProcess:
    """One replica of the app on a free loopback port.

    ``options`` are Streamlit config options (``{"server.enableWebsocketCompression":
    "true"}``) passed on the command line, on top of ``.streamlit/config.toml``.
    """

    def __init__(
        self, options: dict | None = None, env: dict | None = None, script: str = "app.py"
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "streamlit", "run", script]
        cmd += ["--server.headless", "true", "--server.port", str(self.port)]
        cmd += ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
        cmd += ["--server.fileWatcherType", "none", "--global.developmentMode", "false"]
        for key, value in (options or {}).items():
            cmd += [f"--{key}", str(value)]
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (read by output(), closed in stop())
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        try:
            wait_healthy(self.url, self.proc)
        except RuntimeError:
            self.stop()
            raise RuntimeError("the app did not start:\n" + self.output()[-3000:]) from None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def kill(self) -> None:
        """Die at once, as a crashed replica would."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


def nginx_path() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;

    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    # Affinity: the cookie if the browser has one, else a fresh id that the response
    # sets as the cookie. Every later request, the websocket's too, hashes the cookie.
    map $cookie_{cookie} $affinity {{ "" $request_id; default $cookie_{cookie}; }}
    map $cookie_{cookie} $affinity_cookie {{
        "" "{cookie}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    upstream lab {{
        hash $affinity consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://lab;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_buffering off;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 2s;
            add_header Set-Cookie $affinity_cookie always;
            add_header X-Replica $upstream_addr always;
        }}
    }}
}}
"""


class Nginx:
    """Debian's nginx in front of ``upstreams`` (``host:port``) with cookie affinity."""

    def __init__(self, upstreams: list[str]):
        exe = nginx_path()
        if exe is None:
            raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
        self.dir = Path(tempfile.mkdtemp(prefix="lab-nginx-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        servers = "\n".join(f"        server {u} max_fails=1 fail_timeout=30s;" for u in upstreams)
        conf = self.dir / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(dir=self.dir, port=self.port, servers=servers, cookie=COOKIE)
        )
        self.proc = subprocess.Popen(
            [exe, "-p", str(self.dir), "-c", str(conf), "-e", str(self.dir / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            wait_healthy(self.url, self.proc, 20)
        except RuntimeError:
            self.stop()
            err = self.proc.stderr.read().decode(errors="replace")
            raise RuntimeError(f"nginx did not start: {err[-2000:]}") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

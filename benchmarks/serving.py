"""What the benchmarks on gunicorn share: a free port, gunicorn started and ready, signed-in
sessions written straight into the session store, and a plain HTTP client."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def session_for(user) -> str:
    """A signed-in session of ``user`` (as the sign-in form leaves it); returns its key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def get(port: int, path: str, *, session_key: str = "", timeout: float = 60) -> tuple[int, int]:
    """GET ``path`` on a new connection (gunicorn's sync workers close it after each answer);
    returns the status and the body's length."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept-Language": "en"}
    if session_key:
        headers["Cookie"] = f"sessionid={session_key}"
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def start_gunicorn(
    port: int, *, workers: int, log_path: Path, env: dict | None = None
) -> subprocess.Popen:
    """gunicorn with the project's configuration on ``port``, once it answers /healthz."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "battery_norway.wsgi"],
            cwd=ROOT,
            env={
                **os.environ,
                **(env or {}),
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": str(workers),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log_path}.")
        try:
            if get(port, "/healthz", timeout=5)[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz in time.")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)

"""A real Redis on a free local port that a test starts, stops, pauses and starts again."""

import os
import shutil
import signal
import subprocess
import time

import pytest
import redis

from tests.smtp import free_port

START_TIMEOUT = 10.0


class RedisServer:
    """A ``redis-server`` process of the test's own (no persistence), on one fixed port."""

    def __init__(self) -> None:
        self.binary = shutil.which(os.environ.get("REDIS_SERVER", "redis-server"))
        if not self.binary:
            pytest.skip("redis-server is not installed (CI has it): the cache outage needs one.")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + START_TIMEOUT
        try:
            while True:
                try:
                    client.ping()
                    return
                except redis.exceptions.ConnectionError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise RuntimeError(
                            f"redis-server on port {self.port} did not start"
                        ) from None
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a paused server cannot exit
            self.process.terminate()
            self.process.wait(timeout=START_TIMEOUT)
        self.process = None

    def pause(self) -> None:
        """Freeze the server: connections are accepted by the kernel but never answered."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def running_redis_server():
    """A started Redis of the caller's own, stopped at the end whatever was done to it."""
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def fallback_cache_settings(url: str, *, retry_seconds: float = 0.2) -> dict:
    """CACHES as production has them, pointed at ``url``, asking a dead Redis again quickly."""
    return {
        "default": {
            "BACKEND": "portal.cache.FallbackRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal-test",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "retry_seconds": retry_seconds,
            },
        }
    }

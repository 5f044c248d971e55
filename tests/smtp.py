"""A real SMTP receiver on a free local port (aiosmtpd), for every test that delivers mail."""

import asyncio
import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import NamedTuple

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ReceivedMail(NamedTuple):
    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()


class Inbox:
    """The aiosmtpd handler: keeps every accepted message.

    ``refuse`` makes it answer 550 for those addresses, ``defer`` 451 (try again later);
    ``pause`` makes it wait before accepting
    each message, so a test can kill a sender in the middle of a delivery.
    """

    def __init__(self, pause: float = 0.0):
        self.pause = pause
        self.refuse: set[str] = set()
        self.defer: set[str] = set()
        self.started = 0
        self.received_mail: list[ReceivedMail] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if address in self.defer:
            return "451 4.2.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook)
        with self._lock:
            self.started += 1
        if self.pause:
            # A client that disconnects now cancels this coroutine: nothing is recorded.
            await asyncio.sleep(self.pause)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.received_mail.append(ReceivedMail(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self.received_mail)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[ReceivedMail]:
        """The messages once at least ``count`` arrived, or whatever arrived by the timeout."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


class SmtpReceiver:
    def __init__(self, pause: float = 0.0):
        self.inbox = Inbox(pause)
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.taken = 0
        # Set by a test to say more when mail is missing (a worker's log, say).
        self.explain_missing_mail: Callable[[], str] = lambda: ""

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return [mail.message for mail in self.inbox.messages]

    @property
    def received(self) -> int:
        return len(self.inbox.messages)

    def delivery_in_progress(self) -> bool:
        return self.inbox.started > self.received

    def pending(self) -> int:
        """How many received messages no ``wait_for_mail`` has taken yet."""
        return self.received - self.taken

    def wait_for_mail(self, timeout: float) -> ReceivedMail:
        """The next message not taken yet; fails the test if none comes in ``timeout`` s."""
        messages = self.inbox.wait_for(self.taken + 1, timeout)
        if len(messages) <= self.taken:
            pytest.fail(
                f"No e-mail reached the SMTP receiver within {timeout} s.\n"
                f"{self.explain_missing_mail()}"
            )
        self.taken += 1
        return messages[self.taken - 1]

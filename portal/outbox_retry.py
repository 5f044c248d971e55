"""How often and on what the outbox retries a delivery.

A module of its own so that the send task's retry policy (``portal.tasks``) can name them at
import time while the task module stays a leaf; ``portal.outbox`` re-exports both names.
"""

MAX_ATTEMPTS = 6


class TransientEmailError(Exception):
    """Delivery failed in a way worth retrying (connection refused, 4xx reply)."""

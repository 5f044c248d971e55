"""Benchmarks of the member pages against a network far larger than the real one.

Run with ``make bench`` (``python -m benchmarks``). The data lives in its own database: an
SQLite file under var/bench/ unless BENCH_DATABASE_URL names another (for example PostgreSQL).
"""

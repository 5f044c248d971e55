"""Bulk loading with PostgreSQL's COPY, and the ids that go with it."""

import datetime
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import connection

CHUNK = 1 << 20


def _text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY ``rows`` (tuples in the order of ``columns``) into ``table``; the count written."""
    connection.ensure_connection()
    count = 0
    names = ", ".join(f'"{name}"' for name in columns)
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
    ):
        buffer: list[str] = []
        size = 0
        for row in rows:
            line = "\t".join(map(_text, row)) + "\n"
            buffer.append(line)
            size += len(line)
            count += 1
            if size >= CHUNK:
                copy.write("".join(buffer).encode())
                buffer, size = [], 0
        if buffer:
            copy.write("".join(buffer).encode())
    return count


def restart_ids(tables: Iterable[str]) -> None:
    """Start the id sequences of empty ``tables`` at 1, so every run numbers its rows alike."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            if sequence:
                cursor.execute("SELECT setval(%s, 1, false)", [sequence])


def follow_ids(tables: Iterable[str]) -> None:
    """Move the id sequences past the ids COPY wrote, so later inserts do not collide."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            if sequence:
                cursor.execute(
                    # Table names come from the generator's own list, never from input.
                    f'SELECT setval(%s, COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)',  # noqa: S608
                    [sequence],
                )


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


@contextmanager
def without_indexes(table: str):
    """Drop ``table``'s foreign keys and secondary indexes while a large COPY runs, then put
    them back: PostgreSQL builds an index in one sort and checks a foreign key in one join,
    far faster than row by row (and a deferred key's check would otherwise wait for the
    commit, queued per row). The primary key stays. Inside the caller's transaction."""
    with connection.cursor() as cursor:
        # A table cannot be altered while deferred checks of earlier rows wait: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
            "ORDER BY i.indexname",
            [table],
        )
        indexes = cursor.fetchall()
        # Names and definitions come from the catalogue, never from input.
        for name, _definition in keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in keys:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

"""Realistic data at scale for `make bench`: a million pledges, thousands of Care Makers and
organisations, written with PostgreSQL COPY in large batches.

Everything is generated from a fixed seed, so two runs produce the same spread, and from
phrase parts written for Care Pledge, so the text reads like real pledges.
"""

import csv
import io
import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db import connection

OPENINGS = [
    "I will",
    "I pledge to",
    "This year I will",
    "Every week I will",
    "Our team will",
    "From Monday I will",
    "I promise to",
    "We will",
    "Each shift I will",
    "Starting this month I will",
]
ACTIONS = [
    "learn more about dementia and share it with",
    "say thank you by name to",
    "start every clinic on time for",
    "sit down and listen properly to",
    "introduce myself by name to",
    "check that water is within reach for",
    "ask about what matters most to",
    "learn a few words of sign language to help",
    "take a proper break and encourage",
    "speak up whenever something feels unsafe for",
    "share one good idea each month with",
    "mentor a new starter among",
    "write down one thing that went well for",
    "learn how to use the new handover tool with",
    "visit the ward next door to meet",
    "make sure discharge letters are clear for",
    "offer a cup of tea and a chat to",
    "find out the preferred name of",
    "keep call bells within reach for",
    "check on the wellbeing of",
]
PEOPLE = [
    "every patient I meet",
    "my colleagues",
    "the families we support",
    "our night staff",
    "the people in our care home",
    "students on placement",
    "carers who visit",
    "our porters and cleaners",
    "new members of the team",
    "the people I support at home",
    "older people on the ward",
    "everyone who calls our service",
    "people living with dementia",
    "our volunteers",
]
ENDINGS = [
    "",
    " every day",
    " this winter",
    " before each handover",
    " at least once a week",
    " on every shift",
    " whenever I can",
]


def pledge_text(rng: random.Random) -> str:
    return f"{rng.choice(OPENINGS)} {rng.choice(ACTIONS)} {rng.choice(PEOPLE)}{rng.choice(ENDINGS)}."


def copy_rows(
    table: str, columns: list[str], rows: Iterable[list], *, batch: int = 50_000, progress: Callable | None = None
) -> int:
    """COPY rows into a table in batches; returns how many were written."""
    written = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2 cursor, for copy_expert
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        pending = 0
        for row in rows:
            writer.writerow(["\\N" if value is None else value for value in row])
            pending += 1
            if pending == batch:
                written += _flush(raw, table, columns, buffer)
                pending = 0
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                if progress:
                    progress(written)
        if pending:
            written += _flush(raw, table, columns, buffer)
            if progress:
                progress(written)
    return written


def _flush(raw, table: str, columns: list[str], buffer: io.StringIO) -> int:
    buffer.seek(0)
    count = buffer.getvalue().count("\n")
    raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
    return count


def spread_times(rng: random.Random, start: datetime, end: datetime, peak: datetime) -> datetime:
    """Most pledges arrive near the day itself; a long tail before and after."""
    span = (end - start).total_seconds()
    offset = rng.gauss((peak - start).total_seconds(), span / 12) if rng.random() < 0.6 else rng.uniform(0, span)
    offset = min(max(offset, 0), span - 1)
    return start + timedelta(seconds=offset)

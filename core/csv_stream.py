"""Streamed CSV downloads, shared by open data and the admin dashboard."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse


def csv_safe(value):
    """Spreadsheets run cells that start with these as formulas: make them plain text."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_response(rows: Iterable[Iterable], filename: str, *, bom: bool = False) -> StreamingHttpResponse:
    """Stream rows as a CSV download, neutralising formula-like cells. `bom` helps
    spreadsheet programs read the file as UTF-8."""
    writer = csv.writer(_Echo())

    def lines():
        if bom:
            yield "\ufeff"
        for row in rows:
            yield writer.writerow([csv_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

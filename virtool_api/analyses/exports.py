"""An analysis's report as files people open: CSV, an Excel workbook (XlsxWriter) and FASTA.

Each export is made from the same rows the page shows (`pathoscope_report`, `nuvs_report`), with the same
rounding. Text cells are always text: a CSV cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, a
tab or carriage return, then more: a strand's lone `+` is no formula) is prefixed with `'`, and the workbook
writes text as strings, never formulas (OTU names come from imported references).
"""

import csv
import io
from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 1 and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: list[str], rows: list[list[Any]]) -> str:
    """RFC 4180 CSV (CRLF line ends), the header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(value) for value in row] for row in rows])
    return buffer.getvalue()


def workbook(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    """An .xlsx with one sheet per `(title, header, rows)`: a bold, frozen header row, numbers as numbers."""
    # Here, not at the top: only a workbook asked for needs XlsxWriter (see NOT_AT_TOP).
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = book.add_format({"bold": True})
    for title, header, rows in sheets:
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, header, bold)
        sheet.freeze_panes(1, 0)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue  # an empty cell
                if isinstance(value, str):
                    sheet.write_string(number, column, value)
                else:
                    sheet.write_number(number, column, value)
        widths = [
            max([len(str(value)) for value in [name, *(row[i] for row in rows)]])
            for i, name in enumerate(header)
        ]
        for column, width in enumerate(widths):
            sheet.set_column(column, column, min(max(width + 2, 8), 60))
    book.close()
    return buffer.getvalue()

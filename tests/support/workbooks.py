"""The workbooks the analysis exports answer (`.xlsx`), read back with openpyxl."""

import io
from typing import Any


def read_workbook(data: bytes) -> Any:
    """The workbook `data` holds (an `openpyxl.Workbook`)."""
    # Imported here: collecting imports every test module in every worker, and openpyxl is 0.3 s of CPU each.
    import openpyxl

    return openpyxl.load_workbook(io.BytesIO(data))

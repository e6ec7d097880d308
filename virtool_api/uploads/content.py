"""What an upload of each type must hold, checked as it streams in: reads are gzip-compressed FASTQ, a
subtraction's host genome gzip-compressed FASTA. A file that is empty, not gzip, truncated or corrupt gzip,
or not in that format is refused with a 400 saying which, before anything is made from it: the upload is
not kept.

The stream is decompressed in bounded pieces (a gzip bomb costs time, never memory), and the letters are
checked over whole pieces by regular expressions and `bytes.translate`, not line by line in Python.
"""

import re
import zlib

from virtool_api.errors import BadRequest
from virtool_api.storage.files import NotGzip
from virtool_api.uploads.models import UploadType

PIECE = 4 * 1024 * 1024
"""Decompressed bytes produced at a time."""
MAX_LINE = 16 * 1024 * 1024
"""Longest FASTQ line (a read or its qualities) and FASTA header line."""

NUCLEOTIDES = b"ACGTURYKMSWBDHVNacgturykmswbdhvn"
"""The IUPAC nucleotide codes in either case (reference exports accept the same)."""

_FASTQ_RECORD = rb"@[^\n]*+\n[" + NUCLEOTIDES + rb".]*+\r?\n\+[^\n]*+\n[!-~]*+\r?\n"
_FASTQ_RECORDS = re.compile(rb"(?:" + _FASTQ_RECORD + rb")*+")
_FASTQ_RECORD_START = re.compile(rb"@[^\n]*+\n(?:[" + NUCLEOTIDES + rb".]*+\r?\n(?:\+[^\n]*+\n)?)?")
"""The first one to three lines of a record: what a file cut short in the middle of one ends with."""
_NOT_SEQUENCE = re.compile(rb"[^" + NUCLEOTIDES + rb"\r\n]")
_LINE_ENDS = b"\r\n"

EMPTY = "File is empty"
BAD_GZIP = "File is not valid gzip (truncated or corrupt)"


class InvalidUpload(BadRequest):
    """400 naming what is wrong with an uploaded file."""

    described = (
        EMPTY,
        BAD_GZIP,
        "Reads file is not valid FASTQ: the read at line …",
        "Reads file has no reads",
        "Reads file has a line longer than 16 MiB",
        "Subtraction file is not valid FASTA: line …",
        "Subtraction file has no sequences",
        "Subtraction file has a header line longer than 16 MiB",
    )


class _Gunzip:
    """The decompressed pieces of a gzip stream fed in chunks of any size, concatenated members (bgzip)
    included; `finish` refuses a stream that is empty or stops inside a member."""

    def __init__(self) -> None:
        self._inflater = zlib.decompressobj(wbits=31)
        self._head = b""
        self._between_members = False

    def pieces(self, chunk: bytes) -> list[bytes]:
        if len(self._head) < 2:
            self._head += chunk[: 2 - len(self._head)]
            if len(self._head) == 2 and self._head != b"\x1f\x8b":
                raise NotGzip()
        out: list[bytes] = []
        data = chunk
        try:
            while data:
                if self._between_members:
                    data = data.lstrip(b"\x00")  # padding after the last member (some tools write it)
                    if not data:
                        break
                    self._inflater = zlib.decompressobj(wbits=31)
                    self._between_members = False
                piece = self._inflater.decompress(data, PIECE)
                if piece:
                    out.append(piece)
                if self._inflater.eof:
                    self._between_members = True
                    data = self._inflater.unused_data
                else:
                    data = self._inflater.unconsumed_tail
        except zlib.error:
            raise InvalidUpload(BAD_GZIP) from None
        return out

    def finish(self) -> None:
        if not self._head:
            raise InvalidUpload(EMPTY)
        if self._head != b"\x1f\x8b":
            raise NotGzip()
        if not self._between_members:
            raise InvalidUpload(BAD_GZIP)


def _problem(
    label: str, what: str, lines_before: int, data: bytes, at: int, where: str = "line"
) -> InvalidUpload:
    line = lines_before + data.count(b"\n", 0, at) + 1
    return InvalidUpload(f"{label} is not valid {what}: {where} {line:,}")


class FastqCheck:
    """Gzip-compressed FASTQ: records of four lines (`@name`, nucleotides, `+`, qualities); at least one."""

    label = "Reads file"

    def __init__(self) -> None:
        self._gunzip = _Gunzip()
        self._held = b""  # the lines of the record not yet complete: at most three and a partial one
        self._lines = 0
        self.records = 0

    def feed(self, chunk: bytes) -> None:
        for piece in self._gunzip.pieces(chunk):
            self._check(self._held + piece if self._held else piece, final=False)

    def finish(self) -> None:
        self._gunzip.finish()
        held = self._held.rstrip(b" \t\r\n")
        if held:
            self._check(held + b"\n", final=True)
        if self.records == 0:
            raise InvalidUpload(f"{self.label} has no reads")

    def _check(self, data: bytes, final: bool) -> None:
        # Check up to the end of the last whole record; the rest waits for more.
        cut = data.rfind(b"\n") + 1
        for _ in range(data.count(b"\n", 0, cut) % 4):
            cut = data.rfind(b"\n", 0, cut - 1) + 1
        records = _FASTQ_RECORDS.match(data, 0, cut)
        matched = records.end() if records else 0
        if matched != cut or (final and cut != len(data)):
            what = "FASTQ"
            if matched == cut and _FASTQ_RECORD_START.fullmatch(data, cut):
                what = "FASTQ (the last read is cut short)"
            raise _problem(self.label, what, self._lines, data, matched, "the read at line")
        lines = data.count(b"\n", 0, cut)
        self.records += lines // 4
        self._lines += lines
        self._held = data[cut:]
        if len(self._held) > 4 * MAX_LINE:
            raise InvalidUpload(f"{self.label} has a line longer than {MAX_LINE // (1024 * 1024)} MiB")


class FastaCheck:
    """Gzip-compressed FASTA: `>` header lines, each followed by lines of nucleotides; at least one sequence.
    Sequence lines may be of any length (a chromosome on one line): only headers are bounded."""

    label = "Subtraction file"

    def __init__(self) -> None:
        self._gunzip = _Gunzip()
        self._line_start = True
        self._in_header = False
        self._header_length = 0
        self._headers = 0
        self._record_has_letters = False
        self._lines = 0
        self.sequences = 0

    def feed(self, chunk: bytes) -> None:
        for piece in self._gunzip.pieces(chunk):
            self._check(piece)
            self._lines += piece.count(b"\n")

    def finish(self) -> None:
        self._gunzip.finish()
        if self.sequences == 0:
            raise InvalidUpload(f"{self.label} has no sequences")

    def _check(self, piece: bytes) -> None:
        position, end = 0, len(piece)
        while position < end:
            if self._in_header:
                newline = piece.find(b"\n", position)
                stop = end if newline < 0 else newline + 1
                self._header_length += stop - position
                if self._header_length > MAX_LINE:
                    raise InvalidUpload(f"{self.label} has a header line longer than 16 MiB")
                if newline >= 0:
                    self._in_header, self._line_start = False, True
                position = stop
                continue
            if self._line_start and piece[position] == 0x3E:  # ">"
                self._in_header, self._header_length = True, 0
                self._headers += 1
                self._record_has_letters = False
                position += 1
                continue
            header = piece.find(b"\n>", position)
            stop = end if header < 0 else header + 1
            self._sequence_lines(piece, position, stop)
            self._line_start = piece[stop - 1] == 0x0A
            position = stop

    def _sequence_lines(self, piece: bytes, start: int, stop: int) -> None:
        """Lines between headers: nucleotides only; the first of a record counts its sequence."""
        if self._headers == 0 and piece[start:stop].strip():
            at = start + len(piece[start:stop]) - len(piece[start:stop].lstrip())
            raise _problem(self.label, "FASTA (it does not start with a > header)", self._lines, piece, at)
        if piece[start:stop].translate(None, NUCLEOTIDES + _LINE_ENDS):
            bad = _NOT_SEQUENCE.search(piece, start, stop)
            raise _problem(self.label, "FASTA", self._lines, piece, bad.start() if bad else start)
        if self._record_has_letters:
            return
        line_ends = piece.count(b"\n", start, stop) + piece.count(b"\r", start, stop)
        if stop - start > line_ends:
            self._record_has_letters = True
            self.sequences += 1


def content_check(upload_type: str) -> FastqCheck | FastaCheck | None:
    """The check an upload of this type gets as it streams in (a reference export and HMM data are checked
    when they are imported or installed)."""
    if upload_type == UploadType.READS:
        return FastqCheck()
    if upload_type == UploadType.SUBTRACTION:
        return FastaCheck()
    return None

"""Reads as the tests make them: a small gzipped FASTQ to upload (`FASTQ_GZ`), the multipart form an upload
route reads (`multipart_file`), and the read quality a finished sample reports (`QUALITY`)."""

import gzip

import aiohttp

QUALITY = {
    "bases": [[31.0, 32.0, 33.0, 34.0, 35.0, 36.0]],
    "composition": [[29.0, 18.0, 22.0, 31.0]],
    "count": 1000,
    "encoding": "Sanger / Illumina 1.9",
    "gc": 40.0,
    "length": [76, 151],
    "sequences": [0, 10, 990],
}

FASTQ_GZ = gzip.compress(b"@r1\nACGT\n+\nIIII\n" * 50)


def multipart_file(data: bytes, filename: str = "file") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=filename, content_type="application/octet-stream")
    return form

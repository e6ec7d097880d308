from enum import StrEnum

from pydantic import BaseModel

from virtool_api.models import Timestamp, UserRef
from virtool_api.pagination import Page, PageQuery


class UploadType(StrEnum):
    READS = "reads"
    REFERENCE = "reference"
    """A Virtool reference export (gzip JSON), for `POST /references {import_from}`."""
    SUBTRACTION = "subtraction"
    """A host genome (gzip FASTA), for `POST /subtractions`."""
    HMM = "hmm"
    """HMM annotations or profiles, for `PUT /hmms`."""


GZIP_UPLOAD_TYPES = {UploadType.READS, UploadType.SUBTRACTION}
"""Upload types refused unless gzip-compressed (a reference export is checked, saying why, when imported)."""


class Upload(BaseModel):
    id: int
    name: str
    name_on_disk: str
    size: int
    type: str
    user: UserRef
    ready: bool
    reserved: bool
    removed: bool
    created_at: Timestamp
    uploaded_at: Timestamp | None = None


class UploadQuery(BaseModel):
    name: str
    type: str = UploadType.READS.value


class UploadSearchQuery(PageQuery):
    type: str | None = None


UploadSearchResult = Page[Upload]

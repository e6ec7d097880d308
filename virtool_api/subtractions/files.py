"""A subtraction's files on disk (`subtractions/{id}/{name}`), recorded in SQL (`subtraction_files`).

They come from the create-subtraction job (a host genome's FASTA and Bowtie2 index: several GB), kept as every
job-built resource keeps its files (`jobs/built_files.py`).
"""

from virtool_api.jobs.built_files import BuiltFiles
from virtool_api.storage.files import FileStore
from virtool_api.subtractions.models import (
    SUBTRACTION_FILE_TYPES,
    SUBTRACTION_FINALIZED,
    SubtractionFileModel,
)
from virtool_api.subtractions.tables import SubtractionFile

SUBTRACTION_FILES = BuiltFiles(
    collection="subtractions",
    table=SubtractionFile,
    owner="subtraction",
    file_types=SUBTRACTION_FILE_TYPES,
    finalized=SUBTRACTION_FINALIZED,
    directory=FileStore.subtraction_dir,
    model=SubtractionFileModel,
    url="/subtractions/{id}/files/{name}",
)

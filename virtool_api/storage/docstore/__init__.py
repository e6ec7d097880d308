"""The embedded document store: MongoDB's documents, queries and updates (what the services use) on SQLite.

See `client.py` for the entry point and docs/document-store.md for the surface and its limits.
"""

from virtool_api.storage.docstore.client import Database, DocumentClient, open_data_directory, store_path
from virtool_api.storage.docstore.collection import Collection

__all__ = ["Collection", "Database", "DocumentClient", "open_data_directory", "store_path"]

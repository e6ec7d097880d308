"""`virtool-api dev`: demo data for trying the server by hand (`seed.py`), made by the runner's own code over
simulated reads (`simulate.py`) and HMM profiles built from the demo reference's proteins (`hmms.py`)."""

from virtool_api.dev.seed import seed_demo

__all__ = ["seed_demo"]

"""Who follows what: the one list of the domain events (`events.py`) each higher domain subscribes to."""

from virtool_api.analyses.access import follow_sample_access
from virtool_api.analyses.lifecycle import remove_analyses_of_sample
from virtool_api.events import Events
from virtool_api.samples.lifecycle import follow_create_sample_job


def subscribe(events: Events) -> None:
    # A sample being imported shows its create-sample job's progress and failure.
    events.job_state_changed.append(follow_create_sample_job)
    # A sample's analyses (their files and BLAST records too) go with it.
    events.sample_removed.append(remove_analyses_of_sample)
    # Analyses keep a copy of their sample's rights fields, for their listing's filter.
    events.sample_access_changed.append(follow_sample_access)

"""Who follows what: the one list of the domain events (`events.py`) each higher domain subscribes to."""

from virtool_api.analyses.lifecycle import remove_analyses_of_sample
from virtool_api.analyses.sample_access import follow_sample_access
from virtool_api.events import Events
from virtool_api.live.follow import (
    job_change_steps,
    publish_job_change,
    publish_removed_sample,
    publish_sample,
)
from virtool_api.samples.lifecycle import follow_create_sample_job
from virtool_api.samples.links import (
    drop_removed_label,
    drop_removed_tag,
    leave_removed_group,
    leave_removed_project,
)


def subscribe(events: Events) -> None:
    # A sample being imported shows its create-sample job's progress and failure.
    events.job_state_changed.append(follow_create_sample_job)
    # Samples let go of the project, group, labels and tags removed from under them.
    events.project_removed.append(leave_removed_project)
    events.group_removed.append(leave_removed_group)
    events.label_removed.append(drop_removed_label)
    events.tag_removed.append(drop_removed_tag)
    # A sample's analyses (their files and BLAST records too) go with it.
    events.sample_removed.append(remove_analyses_of_sample)
    # Analyses keep a copy of their sample's rights fields, for their listing's filter.
    events.sample_access_changed.append(follow_sample_access)
    # Pages following changes live hear of a job's every report and of what it works on; after the domains
    # above have followed it, so what the page then reads is what they made of it.
    events.job_state_changed.append(publish_job_change)
    # Its reads (an analysis job's analysis and sample) run in the transaction that records the change.
    events.job_state_reads[publish_job_change] = job_change_steps
    events.sample_access_changed.append(publish_sample)
    events.sample_removed.append(publish_removed_sample)

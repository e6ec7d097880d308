"""The workflows our runner runs, by name (each job's `workflow`)."""

from virtool_api.runner.steps import WorkflowJob
from virtool_api.runner.workflows.build_index import BuildIndex
from virtool_api.runner.workflows.create_sample import CreateSample
from virtool_api.runner.workflows.create_subtraction import CreateSubtraction
from virtool_api.runner.workflows.nuvs import Nuvs
from virtool_api.runner.workflows.pathoscope import Pathoscope

WORKFLOWS: dict[str, type[WorkflowJob]] = {
    workflow.workflow.value: workflow
    for workflow in (CreateSample, BuildIndex, CreateSubtraction, Pathoscope, Nuvs)
}

from pydantic import BaseModel, StrictBool

from virtool_api.models import StrictModel


class Settings(BaseModel):
    """Server-wide settings an administrator may change."""

    restrict_sharing: bool = False


class UpdateSettingsRequest(StrictModel):
    restrict_sharing: StrictBool

"""What a sample names of other domains: which samples name a subtraction, and how a sample lets go of the
project, group, label or tag that is removed. Those domains do not write samples: they emit their removal
event (`events.py`) and these follow it, one update over every sample naming the removed document.

A project or group removed leaves the samples in none (their copies on analyses keep the old id, which no one
is a member of any more: see the analyses domain).
"""

from virtool_api.context import Context


async def a_sample_names_subtraction(ctx: Context, subtraction_id: str) -> bool:
    return await ctx.db.samples.count_documents({"subtractions": subtraction_id}, limit=1) > 0


async def samples_naming_subtraction(ctx: Context, subtraction_id: str) -> list[dict[str, str]]:
    """Every sample that names the subtraction, as `{id, name}`."""
    samples = await ctx.db.samples.find({"subtractions": subtraction_id}, {"name": 1}).to_list(None)
    return [{"id": sample["_id"], "name": sample["name"]} for sample in samples]


async def leave_removed_project(ctx: Context, project_id: str) -> None:
    """Subscribed to `project_removed`: its samples stay, in no project."""
    await ctx.db.samples.update_many({"project": project_id}, {"$set": {"project": None}})


async def leave_removed_group(ctx: Context, group_id: str) -> None:
    """Subscribed to `group_removed`: the samples that named it name no group."""
    await ctx.db.samples.update_many({"group": group_id}, {"$set": {"group": None}})


async def drop_removed_label(ctx: Context, label_id: str) -> None:
    """Subscribed to `label_removed`: it comes off every sample that carries it."""
    await ctx.db.samples.update_many({"labels": label_id}, {"$pull": {"labels": label_id}})


async def drop_removed_tag(ctx: Context, tag_id: str) -> None:
    """Subscribed to `tag_removed`: it comes off every sample that carries it."""
    await ctx.db.samples.update_many({"tags": tag_id}, {"$pull": {"tags": tag_id}})

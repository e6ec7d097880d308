"""`virtool-api hmms install ANNOTATIONS PROFILES`: install HMM data for NuVs from files on this machine."""

from pathlib import Path
from typing import Any

import click

from virtool_api.config import Config
from virtool_api.hmms.install import install_hmms
from virtool_api.operations.commands import run_with_stores, store_options


@click.group()
def hmms() -> None:
    """HMM data for NuVs analyses."""


@hmms.command("install")
@store_options
@click.argument("annotations", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("profiles", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def install(annotations: Path, profiles: Path, **stores: Any) -> None:
    """Install ANNOTATIONS (a JSON list of clusters, gzip or not) and PROFILES (a HMMER3 file), replacing
    what is installed. Both are checked first; a bad file changes nothing."""
    config = Config(**stores)
    status = run_with_stores(config, lambda ctx: install_hmms(ctx, annotations, profiles))
    click.echo(f"installed {status.cluster_count} HMM clusters and {status.profile_count} profiles")

"""Every module in `bench/` still imports: they are not run by the suite (they time things), so a helper
that moves (as `free_port` did, to `tests/support/real_server.py`) would otherwise break one unnoticed."""

import importlib.util
from pathlib import Path

import pytest

BENCHES = sorted((Path(__file__).resolve().parent.parent / "bench").glob("*.py"))


@pytest.mark.parametrize("path", BENCHES, ids=lambda path: path.name)
def test_bench_imports(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(path.parent))  # as when run: a bench imports its siblings
    spec = importlib.util.spec_from_file_location(f"bench_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if "__main__" in path.read_text():
        assert callable(module.main)

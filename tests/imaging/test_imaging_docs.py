"""The Python example of docs/imaging.md runs (STYLE.md: examples that never run rot)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "imaging.md"


def test_imaging_doc_example_runs(tmp_path, monkeypatch, capsys) -> None:
    """Execute the example as a user would paste it; it detects georeferenced regions."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    for code in blocks:
        exec(compile(code, str(DOC), "exec"), {"__name__": "__doc_example__"})
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("main_crash ") for line in lines)
    assert all(line.split()[-1] != "None" for line in lines)  # every one has a longitude
    assert (tmp_path / "site" / "before.geo.json").exists()

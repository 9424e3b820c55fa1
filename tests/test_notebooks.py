"""Every notebook in notebooks/ executes without error, with the small settings.

The notebooks read ``TSFORECAST_NOTEBOOK_FULL``: unset (as here) they run a few folds, short series
and tiny epochs, so the whole set takes well under a few minutes. Each notebook is executed from a
temporary copy, with ``notebooks/`` as the working directory (relative data paths resolve as for a
user), and the committed file with its outputs is never written.
"""

import shutil
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
NOTEBOOK_TIMEOUT = 300  # seconds for a whole notebook (small settings take 10-30 s each on 2 busy cores)


def test_notebooks_found():
    assert NOTEBOOKS, f"no notebooks found in {NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path, monkeypatch):
    monkeypatch.delenv("TSFORECAST_NOTEBOOK_FULL", raising=False)  # small settings
    copy = tmp_path / path.name
    shutil.copyfile(path, copy)
    nb = nbformat.read(copy, as_version=4)
    for cell in nb.cells:  # start from a clean notebook: outputs of the committed run are not kept
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    deadline = time.monotonic() + NOTEBOOK_TIMEOUT
    client = nbclient.NotebookClient(
        nb,
        timeout=NOTEBOOK_TIMEOUT,
        timeout_func=lambda source: max(1, int(deadline - time.monotonic())),  # what is left for the notebook
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},  # the working directory of the kernel
    )
    try:
        client.execute()
    finally:
        nbformat.write(nb, copy)  # the executed copy, for inspection after a failure
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors, f"{path.name}: {[(e.ename, e.evalue) for e in errors]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_is_small_and_clean(path):
    """Committed outputs stay readable in a diff and show no error (they come from a manual full run)."""
    assert path.stat().st_size < 1_000_000, f"{path.name} is {path.stat().st_size} bytes: keep it under 1 MB"
    nb = nbformat.read(path, as_version=4)
    errors = [
        output
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert not errors, f"{path.name} was committed with error outputs"

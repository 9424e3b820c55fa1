"""benchmarks/calibration.py runs end to end (its figures are published in benchmarks/README.md)."""

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_calibration_quick_tables_hold_coverage_columns(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    try:
        import calibration

        tables = calibration.main(["--quick", "--datasets", "weather", "--models", "naive,ETS split"])
    finally:
        sys.modules.pop("calibration", None)
    table = tables["weather"]
    assert list(table.index) == ["native naive", "conformal ETS split"]
    assert {"cover 80%", "cover 95%", "width 80%", "IS 95%", "MAE", "seconds"} <= set(table.columns)
    assert (table["cover 80%"] <= table["cover 95%"]).all()
    assert (table["width 80%"] < table["width 95%"]).all()
    assert (table["windows"] == 55).all()
    assert "conformal rows within 5 points of 80%" in capsys.readouterr().out


def test_conformal_defaults_quick_table_compares_the_steps(monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    try:
        import conformal_defaults

        table = conformal_defaults.main(["--quick", "--datasets", "weather"])
    finally:
        sys.modules.pop("conformal_defaults", None)
        sys.modules.pop("calibration", None)
    assert list(table["model"]) == ["naive", "ETS(A,N,N)", "Theta"]
    assert (table["old step=1: step"] == "1").all() and (table["step=h: step"] == "7").all()
    assert (table["test windows"] == 8).all()
    for variant in conformal_defaults.VARIANTS:
        assert (table[f"{variant}: 80%"] <= table[f"{variant}: 95%"]).all()
    assert "Cells within 5 points of nominal" in capsys.readouterr().out

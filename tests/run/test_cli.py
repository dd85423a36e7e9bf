"""The techflows command line: help, parameters, one-line errors, exit codes."""

from __future__ import annotations

import argparse
import json

import pytest

from conftest import FIXTURES as FIXTURE_ROOT
from techflows.run import cli

FIXTURES = FIXTURE_ROOT / "notebooks"


def test_parse_param_keeps_the_text_for_the_declarations_to_type():
    assert cli.parse_param("lookback_years=5") == ("lookback_years", "5")
    assert cli.parse_param("event_window=-5,20") == ("event_window", "-5,20")
    assert cli.parse_param("universe=a=b.csv") == ("universe", "a=b.csv")
    for bad, message in [
        ("lookback_years", "NAME=VALUE"),
        ("2x=1", "NAME=VALUE"),
        ("=1", "NAME=VALUE"),
        ("output_dir=/tmp", "--output-dir"),
        ("source=csv", "--source"),
        ("as_of=2026-01-01", "--as-of"),
        ("class=1", "a Python keyword"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match=message):
            cli.parse_param(bad)


def test_help_lists_the_command_and_documents_every_option(capsys):
    assert cli.main(["--help"]) == 0
    assert "report" in capsys.readouterr().out
    assert cli.main(["report", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--source", "--data-dir", "--as-of", "--output-dir", "--param", "--timeout"):
        assert option in text
    assert "--jobs" in text and "index.html" in text and "failed.ipynb" in text


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "report" in capsys.readouterr().err


def test_parameters_from_options(tmp_path):
    args = cli.build_parser().parse_args(
        ["report", "--data-dir", str(tmp_path), "--param", "lookback_years=3"]
    )
    assert cli.notebook_parameters(args) == {
        "source": "csv",
        "data_dir": str(tmp_path.resolve()),
        "as_of": "latest",
        "lookback_years": "3",
    }
    args = cli.build_parser().parse_args(["report", "--as-of", "2026-02-13"])
    assert cli.notebook_parameters(args)["source"] == "auto"
    # live data composed with the analyst's folder: both reach the notebooks
    args = cli.build_parser().parse_args(
        ["report", "--source", "yahoo", "--data-dir", str(tmp_path)]
    )
    assert cli.notebook_parameters(args) | {"as_of": None} == {
        "source": "yahoo",
        "data_dir": str(tmp_path.resolve()),
        "as_of": None,
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--source", "bloomberg"], "invalid choice: 'bloomberg'"),
        (["--param", "lookback_years"], "not NAME=VALUE"),
        (["99_no_such_notebook"], "notebook '99_no_such_notebook': not found"),
        (["--data-dir", "/no/such/folder"], "--data-dir /no/such/folder: no such folder"),
        (["--source", "csv"], "source 'csv' needs --data-dir"),
        (["--as-of", "last tuesday"], "not a date"),
        (["--timeout", "0"], "must be positive"),
        (["--jobs", "two"], "not a whole number"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys, tmp_path):
    assert cli.main(["report", *argv, "--output-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert "Traceback" not in err
    assert not any(tmp_path.iterdir())


@pytest.mark.notebook
def test_report_exit_code_and_index(tmp_path, capsys):
    notebook = FIXTURES / "02_raises.ipynb"
    code = cli.main(["report", str(notebook), "--source", "sample", "--output-dir", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert "02_raises: running" in err and "[1/1] 02_raises: FAILED" in err
    runs = json.loads((tmp_path / "runs.json").read_text())
    (record,) = runs["reports"]
    # Every parameter the notebook declares, given or default (issue 20: no saved edit leaks).
    assert record["parameters"] == {
        "as_of": "latest",
        "lookback_years": 10,
        "source": "sample",
        "data_dir": "",
        "universe": "",
        "week_end": "W-FRI",
        "output_dir": "02_raises/",
    }
    assert record["error"]["evalue"] == "fixture error after total=2"
    assert "fixture error after total=2" in (tmp_path / "index.html").read_text()


# --- techflows snapshot build -------------------------------------------------------------


def test_snapshot_build_writes_the_snapshot_and_one_summary_line(tmp_path, capsys):
    folder = tmp_path / "market"
    (folder / "prices").mkdir(parents=True)
    (folder / "prices" / "XLK.csv").write_text("Date,Close\n2026-02-12,140.5\n2026-02-13,141\n")
    (folder / "fred").mkdir()
    (folder / "fred" / "DGS10.csv").write_text("observation_date,DGS10\n2026-02-13,4.05\n")
    out = tmp_path / "snapshot"
    argv = ["snapshot", "build", "--from", str(folder), "--output-dir", str(out)]
    assert cli.main([*argv, "--through", "2026-02-12"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["through"] == "2026-02-12" and set(manifest["datasets"]) == {"prices"}
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "techflows snapshot: prices: 1 rows, 0.00 MB"
    assert lines[-1].startswith(
        "techflows snapshot: 1 datasets, 1 rows, 0.0 MB, through 2026-02-12"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "/no/such/folder"], "--from /no/such/folder: folder not found"),
        (["--through", "2026-02-13"], "the following arguments are required: --from"),
        (["--from", ".", "--through", "mid-Feb"], "--through 'mid-Feb': not a date"),
    ],
)
def test_snapshot_build_bad_input_is_one_line_and_exit_2(argv, message, capsys, tmp_path):
    assert cli.main(["snapshot", "build", *argv, "--output-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not any(tmp_path.iterdir())

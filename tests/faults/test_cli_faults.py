"""Bad command lines: each exits 2 with one line, before any kernel, leaving outputs untouched."""

from __future__ import annotations

import pytest

from faults.conftest import NOTEBOOKS, one_line

OK = str(NOTEBOOKS / "01_ok.ipynb")

CASES = [
    # options
    ("unknown-source", ["--source", "bloomberg"], "invalid choice: 'bloomberg'"),
    ("param-without-value", ["--param", "lookback_years"], "not NAME=VALUE"),
    ("param-not-identifier", ["--param", "2x=1"], "not NAME=VALUE"),
    ("param-keyword", ["--param", "class=1"], "'class' is a Python keyword"),
    ("param-output-dir", ["--param", "output_dir=/tmp"], "use --output-dir"),
    ("param-source", ["--param", "source=csv"], "use --source"),
    ("param-as-of", ["--param", "as_of=2026-01-01"], "use --as-of"),
    ("unknown-notebook", ["99_no_such_notebook"], "notebook '99_no_such_notebook': not found"),
    ("missing-data-dir", ["--data-dir", "/no/such/folder"], "--data-dir /no/such/folder: no such"),
    ("csv-without-data-dir", ["--source", "csv"], "source 'csv' needs --data-dir"),
    ("timeout-zero", ["--timeout", "0"], "must be positive"),
    ("timeout-fraction", ["--timeout", "0.5"], "--timeout: '0.5' is not a whole number"),
    ("jobs-word", ["--jobs", "two"], "'two' is not a whole number"),
    ("jobs-zero", ["--jobs", "0"], "must be positive"),
    # dates
    ("as-of-words", ["--as-of", "last tuesday"], "as_of=last tuesday: is not a date"),
    ("as-of-year", ["--as-of", "2026"], "as_of=2026: is not a date"),
    ("as-of-us-order", ["--as-of", "02/13/2026"], "as_of=02/13/2026: is not a date"),
    ("as-of-time-zone", ["--as-of", "2026-02-13T00:00+05:00"], "is not a date"),
    ("as-of-impossible", ["--as-of", "2026-02-30"], "as_of=2026-02-30: is not a date"),
    # declared parameters: names, types, ranges, choices
    ("param-typo", ["--param", "lookback_year=5"], "did you mean lookback_years?"),
    ("param-negative", ["--param", "lookback_years=-3"], "-3 is below the lowest allowed, 1"),
    ("param-too-large", ["--param", "lookback_years=1000"], "above the highest allowed, 100"),
    ("param-not-int", ["--param", "lookback_years=abc"], "lookback_years=abc: is not a whole"),
    ("param-fraction", ["--param", "lookback_years=5.5"], "is not a whole number"),
    ("param-bad-choice", ["--param", "week_end=W-FRX"], "week_end=W-FRX: is not one of"),
    ("param-bad-date", ["--param", "status_date=2026-02-30"], "status_date=2026-02-30: is not"),
    ("param-count", ["--param", "event_window=5"], "event_window=5: has 1 values, not 2"),
    ("param-list-text", ["--param", "shock_sds=1,two"], "is not a comma-separated list"),
    ("param-no-file", ["--param", "universe=/no/such.csv"], "universe=/no/such.csv: no such file"),
    ("param-bool", [OK, "--param", "fail=maybe"], "fail=maybe: is not true or false"),
    ("param-not-in-notebook", [OK, "--param", "stale_days=3"], "not a parameter of 01_ok"),
]


@pytest.mark.parametrize(("argv", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_command_line_is_one_line_exit_2_and_outputs_untouched(report, argv, message):
    code, err = report(*argv)
    assert code == 2
    assert message in one_line(err), err


def test_an_injected_parameter_is_refused_and_never_executed(report, tmp_path):
    marker = tmp_path / "PWNED"
    value = f'W-FRI"; import pathlib; pathlib.Path("{marker}").touch()  #'
    code, err = report("--param", f"week_end={value}")
    assert code == 2 and "is not one of" in one_line(err)
    assert not marker.exists()


def test_output_dir_that_is_a_file(tmp_path, capsys):
    from techflows.run import cli

    afile = tmp_path / "report.html"
    afile.write_text("a file, not a folder\n")
    for target in (afile, afile / "sub"):
        assert cli.main(["report", "--source", "snapshot", "--output-dir", str(target)]) == 2
        line = one_line(capsys.readouterr().err)
        assert f"{afile} is a file, not a folder" in line
    assert afile.read_text() == "a file, not a folder\n"


def test_output_dir_on_a_read_only_file_system(capsys):
    from techflows.run import cli

    target = "/proc/techflows-report"  # not writable, even by root
    assert cli.main(["report", "--source", "snapshot", "--output-dir", target]) == 2
    assert f"output folder {target}: cannot be written" in one_line(capsys.readouterr().err)


def test_data_dir_that_is_a_file(report, tmp_path):
    afile = tmp_path / "prices.csv"
    afile.write_text("Date,Close\n")
    code, err = report("--data-dir", str(afile))
    assert code == 2 and "no such folder" in one_line(err)


def test_as_of_before_all_data_says_so_without_claiming_files_are_missing(report):
    code, err = report("--source", "snapshot", "--as-of", "1900-01-01")
    line = one_line(err)
    assert code == 2
    assert "as_of 1900-01-01: before the snapshot source's tech and market prices" in line
    assert "^GSPC from 1927-12-30" in line and "not in the" not in line

"""One freshness rule: the limit, the choice between alternative funds, and who uses them."""

import json

import nbformat
import pandas as pd
import pytest

from conftest import REPO_ROOT
from handmade import closes, source
from techflows.monitor import checklist as ck

AS_OF = "2026-08-21"


@pytest.fixture
def freshness():
    """The freshness module (imported here, so the other tests run without it)."""
    from techflows.data import freshness

    return freshness


def semis_source(smh_end: str = "2026-06-05", soxx_end: str = "2026-07-31"):
    """SMH stopping on smh_end, SOXX on soxx_end, SPY running to the as-of date."""
    return source(
        prices={
            "SMH": closes("2025-01-02", smh_end, 100.0, weekly=0.002),
            "SOXX": closes("2025-01-02", soxx_end, 100.0, weekly=0.004),
            "SPY": closes("2025-01-02", AS_OF, 100.0),
            "XLK": closes("2025-01-02", AS_OF, 100.0, weekly=0.001),
        },
    )


def test_age_and_staleness_against_the_one_limit(freshness):
    assert freshness.STALE_DAYS == 45
    assert freshness.age_days("2026-03-27", AS_OF) == 147
    assert freshness.is_stale("2026-03-27", AS_OF)
    assert not freshness.is_stale("2026-07-07", AS_OF)  # 45 days: still within the limit
    assert freshness.is_stale("2026-07-06", AS_OF)
    assert freshness.unknown_since("2026-03-27") == "Unknown since 2026-03-27"


def test_the_first_alternative_within_the_limit_of_the_freshest_is_used(freshness):
    ends = pd.Series(pd.to_datetime(["2026-06-05", "2026-07-31"]), index=["SMH", "SOXX"])
    assert freshness.preferred(ends) == "SOXX"  # SMH stops 56 days before SOXX
    close = pd.Series(pd.to_datetime(["2026-07-20", "2026-07-31"]), index=["SMH", "SOXX"])
    assert freshness.preferred(close) == "SMH"  # 11 days apart: the first in order stays
    tie = pd.Series(pd.to_datetime(["2026-07-31", "2026-07-31"]), index=["SMH", "SOXX"])
    assert freshness.preferred(tie) == "SMH"


def test_the_checklist_semis_signal_uses_the_fund_with_fresh_data():
    src = semis_source()
    items = ck.checklist(src, measures=ck.measure_signals(src, "W-FRI")).set_index("key")
    row = items.loc["semis_rs"]
    assert row["source"].startswith("SOXX minus SPY"), row["source"]
    assert row["status"] != "no data" and not row["stale"]
    assert row["as_of"] == pd.Timestamp("2026-07-31")


def test_the_source_names_the_same_semis_fund_for_every_section():
    src = semis_source()
    assert src.preferred(("SMH", "SOXX")) == "SOXX"
    assert semis_source(smh_end="2026-07-24").preferred(("SMH", "SOXX")) == "SMH"


def test_every_section_uses_the_one_limit_and_the_one_choice(freshness):
    assert ck.STALE_DAYS is freshness.STALE_DAYS
    monitor = nbformat.read(REPO_ROOT / "notebooks" / "05_monitor.ipynb", as_version=4)
    parameters = next(c for c in monitor.cells if "parameters" in c.metadata.get("tags", []))
    assert "stale_days" not in parameters.source  # no section-local limit
    risks = nbformat.read(REPO_ROOT / "notebooks" / "03_risks.ipynb", as_version=4)
    code = "\n".join(c.source for c in risks.cells if c.cell_type == "code")
    assert "freshness.preferred(" in code and 'stress["date"].idxmax()' not in code


@pytest.fixture(scope="module")
def ledger_source():
    return semis_source()


def test_the_source_keeps_a_ledger_of_what_it_read(ledger_source):
    src = ledger_source
    src.close(["SMH", "SPY"])
    ledger = src.inputs().set_index("input")
    assert ledger.loc["SMH prices", "last"] == pd.Timestamp("2026-06-05")
    assert ledger.loc["SMH prices", "age_days"] == 77 and ledger.loc["SMH prices", "stale"]
    assert ledger.loc["SPY prices", "age_days"] == 0
    assert not ledger.loc["SPY prices", "stale"]
    assert "SOXX prices" not in ledger.index  # never read
    assert json.loads(json.dumps(src.inputs().astype(str).to_dict("records")))


def test_on_the_snapshot_the_semis_signal_reads_soxx_to_july():
    import techflows

    src = techflows.open_source("snapshot")  # as of its last date, 2026-08-21
    items = ck.checklist(src).set_index("key")
    assert items.loc["semis_rs", "source"].startswith("SOXX minus SPY")
    assert items.loc["semis_rs", "as_of"] == pd.Timestamp("2026-07-31")
    assert items.loc["semis_rs", "status"] == "green"  # +5.25 pp against the market
    assert items.loc["semis_rs", "value"] == pytest.approx(5.25, abs=0.005)

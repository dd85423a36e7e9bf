"""Table styling shared by the section views."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

CAPEX_COVERAGE_FORMATS = {
    "capex": "{:,.1f}",
    "operating_cash_flow": "{:,.1f}",
    "capex_to_ocf": "{:.2f}",
    "ocf_minus_capex": "{:+,.1f}",
}


def styled(table: pd.DataFrame, formats: dict[str, object], **options: object) -> Styler:
    """A table without its index, columns formatted."""
    return table.style.hide(axis="index").format(formats, **options)


def styled_capex_coverage(cover: pd.DataFrame) -> Styler:
    """Capex against operating cash flow per company and year (fundamentals.coverage), USD bn."""
    return styled(cover, CAPEX_COVERAGE_FORMATS)

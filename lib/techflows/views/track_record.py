"""Section 07 (track record): the history's tables and charts, the scoring, the calibration
chart, the forecast bands' coverage and the answer."""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from pandas.io.formats.style import Styler

from techflows.data.sources.base import LATER_PROVIDER
from techflows.errors import DataUnavailable
from techflows.monitor.checklist import ANALYST_KEYS
from techflows.monitor.rules import AMBER, GREEN, NO_DATA, RED, REPORTED
from techflows.stats import intervals
from techflows.track import history as hist
from techflows.track import scoring
from techflows.views import answers
from techflows.views.monitor import STATUS_COLOURS
from techflows.views.tables import p_value, show

QUESTION = "Have these signals called tech's next months before?"
HISTORY = "1. The history: every signal, week by week"
SCORING = "2. The scoring: what followed each signal"
HITS = "Hit rates by state"
CALIBRATION = "Calibration: the scenario reading against what followed"
COVERAGE = "3. Section 04's forecast bands: did they hold?"
CHART_ROWS = (
    hist.NET_SCORE,
    "ew_tech",
    "ew_market",
    "semis_rs",
    "real_yield",
    "fed_target",
    "flows_4w",
    "flows_8w",
    "highs_share",
    "adv_dec",
)
STATE_COLOURS = {
    **STATUS_COLOURS,
    hist.ABOVE: STATUS_COLOURS[GREEN],
    hist.ZERO: STATUS_COLOURS[AMBER],
    hist.BELOW: STATUS_COLOURS[RED],
    "bull": STATUS_COLOURS[GREEN],
    "base": STATUS_COLOURS[AMBER],
    "bear": STATUS_COLOURS[RED],
}
CHART_STATES = (GREEN, AMBER, RED, NO_DATA, REPORTED)


def _years(first: object, last: object) -> str:
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    return f"{first.year}" if first.year == last.year else f"{first.year}-{last.year}"


def _p(p: float) -> str:
    """'p = 0.004', or 'p < 0.001'."""
    shown = p_value(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def _weeks(horizon: int) -> str:
    return f"{horizon} weeks"


# The history


def history_summary(history: pd.DataFrame) -> pd.DataFrame:
    """Per signal: what it is, its first and last week, weeks, the share of weeks in each
    status, and the latest value and status."""
    rows = []
    for key, frame in history.groupby("signal", sort=False):
        spec = hist.spec(str(key))
        shares = frame["status"].value_counts(normalize=True)
        last = frame.iloc[-1]
        rows.append(
            {
                "signal": spec.label,
                "from": frame["week_end"].iloc[0],
                "to": frame["week_end"].iloc[-1],
                "weeks": len(frame),
                "statuses": ", ".join(f"{s or 'value'} {v:.0%}" for s, v in shares.items()),
                "latest value": last["value"],
                "latest status": last["status"],
            }
        )
    return pd.DataFrame(rows)


def styled_history_summary(summary: pd.DataFrame) -> Styler:
    """history_summary for reading."""
    return show(summary, "Each signal's history: its weeks and how often it showed each status")


def status_chart(history: pd.DataFrame) -> Figure:
    """The net score over time, and each price- or rate-based checklist signal's status week by
    week (green, amber, red, no data) under it."""
    keys = [k for k in CHART_ROWS if k in set(history["signal"])]
    if not keys:  # an as-of date before any checklist signal has data
        end = history.attrs.get("end")
        raise DataUnavailable(
            "The checklist signals week by week",
            history.attrs.get("source", "given"),
            LATER_PROVIDER,
            note=f"none has a value up to {pd.Timestamp(end).date()}" if end is not None else "",
        )
    wide = history[history["signal"].isin(keys)].pivot(
        index="week_end", columns="signal", values="status"
    )
    wide = wide.reindex(columns=keys)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(11, 6.5), sharex=True, gridspec_kw={"height_ratios": [1, 1.6]}
    )
    net = history[history["signal"] == hist.NET_SCORE].set_index("week_end")["value"]
    top.plot(net.index, net.to_numpy(), color="#2a5ca8", linewidth=0.9)
    top.axhline(0, color="black", linewidth=0.8)
    top.set(title="Checklist net score, as each week's report showed it", ylabel="score")
    codes = {s: i for i, s in enumerate(CHART_STATES)}
    grid = wide.apply(lambda c: c.map(lambda s: codes.get(s, codes[NO_DATA]))).T
    colours = ListedColormap([STATE_COLOURS[s] for s in CHART_STATES])
    dates = wide.index
    edges = np.append(dates.to_numpy(), (dates[-1] + pd.Timedelta(weeks=1)).to_datetime64())
    bottom.pcolormesh(
        edges,
        np.arange(len(keys) + 1),
        grid.to_numpy(dtype=float),
        cmap=colours,
        vmin=-0.5,
        vmax=len(CHART_STATES) - 0.5,
    )
    labels = [hist.spec(k).name for k in keys]
    bottom.set_yticks(np.arange(len(keys)) + 0.5, labels)
    bottom.invert_yaxis()
    bottom.set(title="Status of each signal, week by week")
    bottom.legend(
        handles=[Patch(color=STATE_COLOURS[s], label=s) for s in CHART_STATES],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=9,
    )
    fig.tight_layout()
    return fig


# The scoring


def skill_display(info: pd.DataFrame) -> pd.DataFrame:
    """The skill table (scoring.skill_table) in words and intervals, one row per signal and
    horizon that could be scored."""
    scored = info[info["verdict"] != scoring.TOO_SHORT]
    rows = []
    for r in scored.itertuples():
        rows.append(
            {
                "signal": hist.spec(r.signal).label,
                "horizon": _weeks(r.horizon),
                "years": _years(r.first, r.last),
                "weeks": r.weeks,
                "rank IC, every week (95% CI, HAC)": f"{r.ic:+.2f} ({r.ic_low:+.2f} to "
                f"{r.ic_high:+.2f})",
                "p (HAC)": p_value(r.p),
                "IC, non-overlapping (range across offsets)": f"{r.offset_ic:+.2f} "
                f"({r.offset_ic_low:+.2f} to {r.offset_ic_high:+.2f})",
                "p, non-overlapping (range)": f"{r.offset_p:.2f} ({r.offset_p_low:.2f}-"
                f"{r.offset_p_high:.2f})",
                "windows per offset": r.windows,
                "q (all tests)": p_value(r.q),
                "verdict": r.verdict,
            }
        )
    return pd.DataFrame(rows)


def styled_skill(info: pd.DataFrame) -> Styler:
    """skill_display for reading."""
    return show(
        skill_display(info),
        "Rank information coefficient of each signal with tech's return over the market in the "
        "weeks that followed",
        table="track_skill",
    )


def too_short(info: pd.DataFrame) -> dict[str, int]:
    """The signals no horizon could score, with their weeks counted."""
    rows = info.groupby("signal", sort=False).agg(verdicts=("verdict", set), weeks=("weeks", "max"))
    short = rows[rows["verdicts"] == {scoring.TOO_SHORT}]
    return {str(k): int(w) for k, w in short["weeks"].items()}


def too_short_text(short: Mapping[str, int]) -> str:
    """'Too short to score: the fund-flow signals (at most 27 weeks counted) and ...'."""
    flows = {k: w for k, w in short.items() if k.startswith(("flows_", hist.FLOW_Z))}
    analyst = {k: w for k, w in short.items() if k in ANALYST_KEYS}
    rest = [hist.spec(k).name for k in short if k not in flows and k not in analyst]
    parts = []
    if flows:
        parts.append(f"the fund-flow signals (at most {max(flows.values())} weeks counted)")
    if analyst:
        most = max(analyst.values())
        counted = f"at most {most} weeks counted" if most else "no entry counted as evidence"
        parts.append(f"the analyst table's signals ({counted})")
    parts += rest
    listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return f"Too short to score: {listed}."


def hits_display(hits: pd.DataFrame) -> pd.DataFrame:
    """Hit rates by state (scoring.hit_rates) in words, with their exact intervals."""
    rows = []
    for r in hits[hits["windows"] > 0].itertuples():
        rows.append(
            {
                "signal": hist.spec(r.signal).label,
                "horizon": _weeks(r.horizon),
                "state": r.state,
                "windows": r.windows,
                "tech beat the market (95% CI)": f"{r.beat} of {r.windows}: {r.share:.0%} "
                f"({r.low:.0%}-{r.high:.0%})",
                "range across offsets": f"{r.share_min:.0%}-{r.share_max:.0%}",
                "all weeks": f"{r.base:.0%}",
                "p (vs all weeks)": p_value(r.p),
                "median excess (%)": f"{r.median_excess:+.2f}",
            }
        )
    return pd.DataFrame(rows)


def styled_hits(hits: pd.DataFrame) -> Styler:
    """hits_display for reading."""
    return show(
        hits_display(hits),
        "After weeks in each state: how often tech beat the market over the next weeks "
        "(non-overlapping windows, the offset with the median share)",
        table="track_hits",
    )


def calibration_chart(hits: pd.DataFrame, horizon: int = scoring.HORIZONS[-1]) -> Figure:
    """Share of later windows in which tech beat the market after each scenario reading and
    each net-score state, with exact 95% intervals, against all weeks' share."""
    panels = [
        (hist.SCENARIO, "Scenario reading"),
        (hist.NET_SCORE, "Checklist net score"),
    ]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, (key, title) in zip(axes, panels, strict=True):
        rows = hits[(hits["signal"] == key) & (hits["horizon"] == horizon)]
        rows = rows[rows["windows"] > 0]
        ax.set(title=f"{title}: next {horizon} weeks", xlabel="", ylim=(0, 1))
        if rows.empty:
            ax.text(0.5, 0.5, "too few windows", ha="center", transform=ax.transAxes)
            continue
        x = np.arange(len(rows))
        share = rows["share"].to_numpy(dtype=float)
        error = np.vstack([share - rows["low"], rows["high"] - share])
        colours = [STATE_COLOURS.get(s, "#cccccc") for s in rows["state"]]
        ax.bar(x, share, color=colours, edgecolor="#555555")
        ax.errorbar(x, share, yerr=error, fmt="none", ecolor="black", capsize=4)
        ax.axhline(
            rows["base"].mean(), color="black", linestyle="--", linewidth=1, label="all weeks"
        )
        names = [f"{s}\n(n = {n})" for s, n in zip(rows["state"], rows["windows"], strict=True)]
        ax.set_xticks(x, names)
        ax.legend(loc="upper right", fontsize=9)
    axes[0].set_ylabel("share of windows with tech ahead")
    fig.tight_layout()
    return fig


def calibration_sentence(hits: pd.DataFrame, horizon: int = scoring.HORIZONS[-1]) -> str:
    """The scenario reading's calibration in words: each reading's share with its interval."""
    rows = hits[(hits["signal"] == hist.SCENARIO) & (hits["horizon"] == horizon)]
    rows = rows[rows["windows"] > 0]
    if rows.empty:
        return "Too few non-overlapping windows to calibrate the scenario reading."
    parts = "; ".join(
        f"after {r.state} readings tech beat the market in {r.beat} of {r.windows} "
        f"({r.share:.0%}, 95% CI {r.low:.0%}-{r.high:.0%})"
        for r in rows.itertuples()
    )
    tested = rows[rows["p"] <= intervals.HEADLINE_P]
    words = (
        "none differs from all weeks' share at the 10% level"
        if tested.empty
        else "differing from all weeks' share at the 10% level: "
        + ", ".join(f"{r.state} (p = {r.p:.2f})" for r in tested.itertuples())
    )
    base = rows["base"].mean()
    return (
        f"Over the next {horizon} weeks, {parts}; all weeks: {base:.0%}. Of the readings, {words}."
    )


def styled_periods(periods: pd.DataFrame) -> Styler:
    """The IC per five-year period, signal by signal."""
    frame = periods.assign(
        signal=[hist.spec(k).label for k in periods["signal"]],
        horizon=[_weeks(h) for h in periods["horizon"]],
    )
    return show(
        frame,
        f"Rank IC per {scoring.PERIOD_YEARS}-year period (HAC p; many periods, so a low p in "
        "one is no finding on its own)",
        table="track_periods",
    )


# The forecast bands


def coverage_sentence(coverage: Mapping[str, object]) -> str:
    """How often 04's band held the next week, against its nominal level."""
    share, nominal, p = coverage["share"], float(coverage["nominal"]), float(coverage["p"])
    span = f"{pd.Timestamp(coverage['first']).date()} to {pd.Timestamp(coverage['last']).date()}"
    if p <= intervals.HEADLINE_P:
        side = "too narrow" if share.value < nominal else "too wide"
        verdict = f"the bands were {side} (binomial {_p(p)} against {nominal:.0%})"
    else:
        verdict = f"consistent with {nominal:.0%} (binomial p = {p:.2f}, not significant)"
    return (
        f"Section 04's {nominal:.0%} SARIMAX bands held the next week's tech return over the "
        f"market in {share.k} of its {share.n} backtest weeks ({share.value:.0%}, 95% CI "
        f"{100 * share.low:.0f}-{100 * share.high:.0f}%; {span}): {verdict}."
    )


def coverage_chart(coverage: Mapping[str, object]) -> Figure:
    """The backtest's weekly outcomes against the one-week-ahead band."""
    table = coverage["table"].dropna(subset=["actual", "lower", "upper"])
    fig, ax = plt.subplots(figsize=(11, 4))
    ax.fill_between(
        table.index,
        table["lower"],
        table["upper"],
        alpha=0.25,
        label=f"{float(coverage['nominal']):.0%} band",
    )
    outside = table[~table["inside"]]
    ax.plot(table.index, table["actual"], color="#333333", linewidth=0.9, label="outcome")
    ax.scatter(
        outside.index, outside["actual"], color="#c44e52", zorder=3, label="outside the band"
    )
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set(title="Section 04's one-week-ahead forecasts: band and outcome", ylabel="%")
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


# The answer


def _skill_words(row: pd.Series, periods: pd.DataFrame) -> str:
    """'the real yield's 13-week change over the next 4 weeks (rank IC -0.13, 95% CI -0.22 to
    -0.04, p = 0.004; 2003-2026, the same sign in 5 of 6 five-year periods)'."""
    mine = periods[(periods["signal"] == row["signal"]) & (periods["horizon"] == row["horizon"])]
    same = int((np.sign(mine["ic"]) == np.sign(row["ic"])).sum())
    return (
        f"{hist.spec(row['signal']).name} over the next {row['horizon']} weeks (rank IC "
        f"{row['ic']:+.2f}, 95% CI {row['ic_low']:+.2f} to {row['ic_high']:+.2f}, "
        f"{_p(row['p'])}; {_years(row['first'], row['last'])}, the same sign in {same} of "
        f"{len(mine)} five-year periods)"
    )


def checklist_clause(info: pd.DataFrame) -> str:
    """How much weight the history supports for 05's checklist, from its net score's IC."""
    rows = info[info["signal"] == hist.NET_SCORE]
    scored = rows[rows["verdict"] != scoring.TOO_SHORT]
    if scored.empty:
        return "The history is too short to weigh section 05's checklist."
    years = _years(scored["first"].min(), scored["last"].max())
    ics = " and ".join(f"{r.ic:+.2f} over {r.horizon} weeks" for r in scored.itertuples())
    if (scored["verdict"] == scoring.SKILL).any():
        best = scored[scored["verdict"] == scoring.SKILL].iloc[0]
        return (
            f"The history supports some weight for section 05's checklist: its net score "
            f"called tech's next {best['horizon']} weeks ({years}, rank IC {best['ic']:+.2f}, "
            f"{_p(best['p'])})."
        )
    if (scored["verdict"] == scoring.REVERSED).any():
        return (
            f"The history supports no weight for section 05's checklist as it is read: its net "
            f"score pointed the wrong way ({years}, rank IC {ics})."
        )
    if (scored["verdict"] == scoring.CHANCE).any():
        return (
            f"The history supports little weight for section 05's checklist: its net score's "
            f"link with tech's next weeks ({years}, rank IC {ics}) is no stronger than chance "
            "gives among the signals tested."
        )
    return (
        f"The history supports little weight for section 05's checklist: its net score has not "
        f"called tech's next 4 or 13 weeks ({years}, rank IC {ics}; not significant)."
    )


def answer(
    info: pd.DataFrame,
    hits: pd.DataFrame,
    periods: pd.DataFrame,
    coverage: Mapping[str, object] | None,
) -> answers.Answer:
    """07's answer: which signals have had skill, which have not, over which years; the weight
    the history gives 05's checklist; how well 04's bands held."""
    scored = info[info["verdict"] != scoring.TOO_SHORT]
    tests = len(scored)
    keys = list(dict.fromkeys(scored["signal"]))
    found = scored[scored["verdict"].isin([scoring.SKILL, scoring.RELATED])]
    reversed_ = scored[scored["verdict"] == scoring.REVERSED]
    chance = scored[scored["verdict"] == scoring.CHANCE]
    sentences = []
    skilled = list(dict.fromkeys(found["signal"]))
    if scored.empty:
        verdict = "Too short to tell"
        sentences.append(
            answers.Sentence(
                "skill",
                "No signal has enough weeks with a known outcome to be scored "
                f"({scoring.MIN_WINDOWS} non-overlapping windows at every offset).",
                answers.anchor(SCORING),
            )
        )
    elif not skilled:
        verdict = "None has, beyond chance" if len(chance) else "None has"
        span = f"{_years(scored['first'].min(), scored['first'].max())}"
        sentences.append(
            answers.Sentence(
                "skill",
                f"None of the {len(keys)} signals with enough history (each from its first "
                f"week, {span}, to {pd.Timestamp(scored['last'].max()).year}) has called tech's "
                "return over the market in the next 4 or 13 weeks beyond chance.",
                answers.anchor(SCORING),
            )
        )
    else:
        what = "; ".join(_skill_words(r, periods) for _, r in found.iterrows())
        verdict = (
            f"Only {hist.spec(skilled[0]).name} has"
            if len(skilled) == 1
            else f"{len(skilled)} of {len(keys)} have"
        )
        sentences.append(answers.Sentence("skill", f"Had skill: {what}.", answers.anchor(SCORING)))
    if len(chance):
        what = "; ".join(_skill_words(r, periods) for _, r in chance.iterrows())
        q = ", ".join(f"{v:.2f}" for v in chance["q"])
        sentences.append(
            answers.Sentence(
                "chance",
                f"Significant on its own: {what}; but of {tests} tests at once about "
                f"{tests * intervals.HEADLINE_P:.1f} pass at 10% by chance alone "
                f"(false-discovery rate q = {q}).",
                answers.anchor(SCORING),
            )
        )
    if len(reversed_):
        what = "; ".join(_skill_words(r, periods) for _, r in reversed_.iterrows())
        sentences.append(
            answers.Sentence("reversed", f"Pointed the wrong way: {what}.", answers.anchor(SCORING))
        )
    named = set(found["signal"]) | set(reversed_["signal"]) | set(chance["signal"])
    others = [k for k in keys if k not in named]
    if others:
        among = [hist.spec(k).name for k in (hist.NET_SCORE, hist.SCENARIO) if k in others]
        including = f", {' and '.join(among)} among them," if among else ""
        sentences.append(
            answers.Sentence(
                "no skill",
                f"The {len(others)} other signals{including} showed no skill at either horizon.",
                answers.anchor(SCORING),
            )
        )
    short = too_short(info)
    if short:
        sentences.append(
            answers.Sentence("too short", too_short_text(short), answers.anchor(SCORING))
        )
    sentences.append(answers.Sentence("checklist", checklist_clause(info), answers.anchor(SCORING)))
    numbers = [
        answers.Number(
            f"{len(skilled)} of {len(keys)}",
            "signals with skill beyond chance",
            answers.anchor(SCORING),
        )
    ]
    net = scored[(scored["signal"] == hist.NET_SCORE) & (scored["horizon"] == 13)]
    if len(net):
        r = net.iloc[0]
        numbers.append(
            answers.Number(
                f"{r['ic']:+.2f}",
                f"checklist net score: rank IC with the next 13 weeks (p = {r['p']:.2f})",
                answers.anchor(SCORING),
            )
        )
    if coverage is not None:
        share = coverage["share"]
        sentences.append(
            answers.Sentence("bands", coverage_sentence(coverage), answers.anchor(COVERAGE))
        )
        numbers.append(
            answers.Number(
                f"{share.value:.0%}",
                f"weeks inside 04's {float(coverage['nominal']):.0%} band ({share.k} of {share.n})",
                answers.anchor(COVERAGE),
            )
        )
    return answers.Answer(QUESTION, verdict, tuple(sentences), tuple(numbers))

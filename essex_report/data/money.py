"""Checks on a year's money: published funding shares add up to 100%, and the funding lines
reconcile with spending (or the reason they cannot is said)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from essex_report.data.derive import FUNDING_LINES, FUNDING_SHARES
from essex_report.data.files import VALUES_FILE, year_folder
from essex_report.data.model import YearData
from essex_report.errors import Level, Problems, Reason, shown

SHARE_TOLERANCE = Decimal("0.5")  # percentage points: published shares are rounded


def check_shares(data: YearData, problems: Problems, data_dir: Path) -> None:
    file = shown(year_folder(data_dir, data.year) / VALUES_FILE)
    shares = [data.get(i) for i in FUNDING_SHARES]
    present = [v for v in shares if v is not None]
    typed = [v for v in present if not v.derived]
    if len(present) == len(FUNDING_SHARES) and len(typed) == len(FUNDING_SHARES):
        total = sum((v.value for v in present), Decimal(0))
        if abs(total - 100) > SHARE_TOLERANCE:
            problems.add(
                file,
                f"the funding shares ({', '.join(FUNDING_SHARES)}) add "
                f"up to {total}%; expected 100% within {SHARE_TOLERANCE} points",
                Reason.MONEY,
                line=typed[0].line,
                column="value",
            )
    for value in present:
        if value.derived and value.value < 0:
            problems.add(
                file,
                f"{value.indicator} works out at {value.value}% "
                f"({value.source}); the shares it is derived from add up to more than 100%",
                Reason.MONEY,
                column="value",
            )


def check_reconciliation(data: YearData, problems: Problems, data_dir: Path) -> None:
    """Say how a year's funding lines reconcile with its spending, or why they cannot."""
    funding = {i: data.get(i) for i in FUNDING_LINES}
    given = [v for v in funding.values() if v is not None]
    if not given:
        return  # no funding lines: nothing to reconcile
    file = shown(year_folder(data_dir, data.year) / VALUES_FILE)

    def warn(message: str) -> None:
        problems.add(file, f"{data.year}: {message}", Reason.MONEY, level=Level.WARNING)

    missing = [i for i, v in funding.items() if v is None]
    if missing or len({v.basis for v in given}) != 1:
        what = f"{', '.join(missing)} missing" if missing else "on different bases"
        warn(
            f"the funding lines cannot be reconciled with spending ({what}): what spending "
            "they leave uncovered is not known, and the report does not say"
        )
        return
    gap = data.get("funding_gap")
    lines = data.get("funding_lines_total")
    if gap is None or lines is None:
        warn(
            "no spending total is published on the same basis as the funding lines (every "
            "budget line by service, or total spending); the report gives shares of the funding "
            "lines, not of spending"
        )
    elif abs(gap.value) >= Decimal("0.1"):
        word = "less" if gap.value > 0 else "more"
        warn(
            f"the funding lines add up to £{lines.value:,}m, "
            f"£{abs(gap.value):,}m {word} than spending; the report shows the difference in "
            "words and in the funding chart (a line such as use of reserves may be missing)"
        )

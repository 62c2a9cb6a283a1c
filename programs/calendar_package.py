"""The years the installed chinese-calendar package knows, as rows for the portal's calendar table.

Kept free of models so that the data migration and the ``load_prc_calendar`` command read the same thing.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

# chinese-calendar names its holidays in English; the office reads them in Chinese.
CHINESE_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
HOLIDAY, WORKDAY = "holiday", "workday"  # CalendarDayKind's values (the migration has no enum to import)


class PackageDay(NamedTuple):
    date: dt.date
    kind: str
    name: str


def package_years() -> dict[int, list[PackageDay]]:
    """Every year from the package's first to its last, each with its holidays and adjusted working days."""
    from chinese_calendar.constants import holidays, workdays

    years: dict[int, list[PackageDay]] = {year: [] for year in range(min(holidays).year, max(holidays).year + 1)}
    for kind, days in ((HOLIDAY, holidays), (WORKDAY, workdays)):
        for day, name in days.items():
            english = getattr(name, "value", name) or ""
            years[day.year].append(PackageDay(day, kind, CHINESE_NAMES.get(english, english)[:60]))
    for rows in years.values():
        rows.sort()
    return years

"""A name's own subject and what it measures of it. Real tables write the project's subject into a row's name
(城乡居民医保参保工作经费发放及时率 in a project of that name; 县级储备粮应急保障率 under 县级储备粮): the
subject is the project, which the search already has in mind, and the rest (发放及时率, 应急保障率) is the
measure, which the 项目通用指标 name for any project. `measured_part` finds that rest."""

from __future__ import annotations

import re

# The project's words a name must repeat, at its start, for them to be its subject.
SUBJECT_CHARS = 4
# …within this many characters of the name's start (指标1: and the like are gone from a key already; 年度,
# 全县 may stand before the subject).
SUBJECT_START = 2
# A fund named in front of what is measured of it: 农业生态与资源保护补助资金年度支出率 → 补助资金年度支出率.
_FUND = re.compile(r"^.{2,}?(?=(?:专项|补助|配套|奖补|财政)?(?:资金|经费)(?!$))")
# The project's own money named as the row (市民中心运行维护费 under 市民中心运行维护费): its total cost.
_MONEY_END = re.compile(r"(?:费|经费|资金|补助|补贴)$")
TOTAL_COST = "项目总成本"


def _shared_start(key: str, context: str) -> int:
    """The end of the longest stretch of the context's words at (or near) the start of the key, 0 for none."""
    best = 0
    for start in range(min(SUBJECT_START, len(key)) + 1):
        end = start + SUBJECT_CHARS
        if end > len(key) or key[start:end] not in context:
            continue
        while end < len(key) and key[start:end + 1] in context:
            end += 1
        best = max(best, end)
    return best


# Years, amounts and numbers in a project's text are no subject (2020年12月完成 under a 2020年 project)
_FIGURES = re.compile(r"\d+(?:\.\d+)?\s*(?:年度|年|亿元|万元|元|万)?")


def measured_part(key: str, context: str = "") -> str | None:
    """What a name measures of a subject it names first: the rest of the name after the project's words
    (`context`) or after a fund's name; `TOTAL_COST` for a name that is only the project's money; None when the
    name has no such subject."""
    context = _FIGURES.sub(" ", context)
    end = _shared_start(key, context) if context else 0
    if end:
        rest = key[end:].strip(" ，,、的")
        if rest:
            return rest
        return TOTAL_COST if _MONEY_END.search(key) else None
    fund = _FUND.search(key)
    return key[fund.end():] if fund else None

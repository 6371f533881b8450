"""The goal document (绩效目标申报表) and the result of checking it, as pydantic models.

Lenient where a person filling in a form would expect it (a budget written as "860" or
"8,600,000", a year as "2025年", a value as 95 or "≥95%", Traditional characters); strict
where the input is simply wrong (a list where a name belongs, a negative budget, an unknown
budget unit), so the API can answer 422 with the field and the fix.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from indicators.values import fmt, is_placeholder, parse_number
from kb.text import normalize_text

BUDGET_UNITS = {"元": "元", "万元": "万元", "亿元": "亿元", "万": "万元", "亿": "亿元", "rmb": "元", "cny": "元",
                "yuan": "元"}
BUDGET_SCALE = {"元": 1.0, "万元": 1e4, "亿元": 1e8}
Severity = Literal["error", "warning", "info"]
Grade = Literal["优", "良", "中", "差"]
MAX_INDICATORS = 300
MAX_BUDGET = 1e15  # any unit: far above any project's budget, small enough for the arithmetic on it


def _text(value: object) -> object:
    """None → ''; numbers → their text (a unit or basis typed as 2025 is still text); other types unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value  # let pydantic reject it
    if isinstance(value, int | float):
        return fmt(value)
    return value.strip() if isinstance(value, str) else value


def _optional_text(value: object) -> object:
    value = _text(value)
    return None if value == "" else value


def _value(value: object) -> object:
    """A target value: text or a number; booleans, lists and objects are refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("指标值应为数字或文字，如 95、\"≥95%\" 或 \"优/良/中/差\"")
    return value.strip() if isinstance(value, str) else value


# a 类/款/项 code at the start, alone or followed by its name: 2050201, 2050201 学前教育, [2050201]学前教育 (the
# code, then the name written, in groups 1 and 2)
FUNCTION_CODE = re.compile(r"^[\[【(（]?(\d{7}|\d{5}|\d{3})(?!\d)[\]】)）]?(?:[\s\-—–:：、]*([\u4e00-\u9fff].*))?$")


# a code a description quotes: 科目2240109, 功能分类科目：2050201, 支出功能分类 20502
QUOTED_CODE = re.compile(r"(?:科目|功能分类)(?:编码|代码)?\s*[:：为是]?\s*[\[【(（]?(\d{7}|\d{5})(?!\d)")


def _bad_function_code(value: object) -> object:
    raise ValueError(f"支出功能分类科目“{str(value)[:40]}”无法识别；请填写类（3 位）、款（5 位）或项（7 位）编码，"
                     "如 2050201 或 “2050201 学前教育”")


Text = Annotated[str, BeforeValidator(_text)]
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
TargetValue = Annotated[str | float | int | None, BeforeValidator(_value)]


_OVERALL = re.compile(r"部门整体|单位整体|整体支出|整体绩效")


def names_overall_goal(text: str) -> bool:
    """Does a title name a department's or unit's overall goal (…部门整体支出绩效目标申报表, …整体绩效目标)?"""
    return bool(_OVERALL.search(normalize_text(text)))

class Project(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, description="项目名称")
    department: OptionalText = Field(default=None, max_length=200, description="预算部门或单位")
    direction: OptionalText = Field(default=None, max_length=200, description="支出方向名称或编码")
    budget: float | None = Field(default=None, ge=0, allow_inf_nan=False, description="预算金额，单位见 budget_unit")
    budget_unit: Literal["元", "万元", "亿元"] = Field(default="万元", description="预算金额单位：元、万元或亿元")
    year: int | None = Field(default=None, ge=1990, le=2100, description="预算年度")
    description: OptionalText = Field(default=None, max_length=4000, description="项目概述")
    kind: Literal["project", "department"] = Field(
        default="project", description="project：项目支出绩效目标；department：部门（单位）整体绩效目标")
    function_code: OptionalText = Field(
        default=None, max_length=7, description="支出功能分类科目编码：类（3 位）、款（5 位）或项（7 位），如 2050201；"
                                                "写成 “2050201 学前教育” 也可")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: object) -> object:
        words = {"项目": "project", "项目支出": "project", "部门": "department", "部门整体": "department",
                 "单位整体": "department", "整体": "department"}
        return words.get(value.strip(), value.strip()) if isinstance(value, str) else value

    @model_validator(mode="before")
    @classmethod
    def _kind_from_name(cls, data: object) -> object:
        """A goal titled as a department's or unit's overall one (…部门整体支出绩效目标, …整体绩效目标) is
        one, when the kind is not given."""
        if isinstance(data, dict) and data.get("kind") in (None, "") and isinstance(data.get("name"), str) \
                and names_overall_goal(data["name"]):
            data = {**data, "kind": "department"}
        return data

    @model_validator(mode="before")
    @classmethod
    def _unit_in_budget(cls, data: object) -> object:
        """'860万元' in the budget sets budget_unit when none is given, or is converted to the one given."""
        if isinstance(data, dict) and isinstance(data.get("budget"), str):
            m = re.search(r"(亿元|万元|元|亿|万)\s*$", normalize_text(data["budget"]))
            given = data.get("budget_unit")
            if m and given is None:
                data = {**data, "budget_unit": BUDGET_UNITS[m.group(1)]}
            target = BUDGET_UNITS.get(normalize_text(given).strip()) if isinstance(given, str) else None
            if m and target not in (None, BUDGET_UNITS[m.group(1)]):
                number = parse_number(normalize_text(data["budget"])[:m.start()].replace(" ", ""))
                if number is not None:  # '860万元' with budget_unit 元 → 8,600,000
                    scale = BUDGET_SCALE[BUDGET_UNITS[m.group(1)]] / BUDGET_SCALE[target]
                    data = {**data, "budget": number * scale}
        if isinstance(data, dict) and data.get("budget_unit", "") is None:
            data = {k: v for k, v in data.items() if k != "budget_unit"}
        return data

    @field_validator("budget_unit", mode="before")
    @classmethod
    def _budget_unit(cls, value: object) -> object:
        if isinstance(value, str):
            key = normalize_text(value).replace(" ", "").lower()
            if key not in BUDGET_UNITS:
                raise ValueError(f"预算金额单位『{value}』无法识别；请填写 元、万元 或 亿元")
            return BUDGET_UNITS[key]
        return value

    @field_validator("budget", mode="before")
    @classmethod
    def _budget(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("预算金额应为数字，如 860，而不是 是/否")
        if isinstance(value, str):
            text = re.sub(r"(亿元|万元|元|亿|万)\s*$", "", normalize_text(value).replace(" ", ""))
            if not text or is_placeholder(text):  # a template's 【待填】 is a budget not given yet: BUDGET_MISSING
                return None
            number = parse_number(text)
            if number is None:
                raise ValueError(f"预算金额『{value}』不是数字；请填写金额，如 860（万元）")
            return number
        return value

    @field_validator("budget")
    @classmethod
    def _budget_bound(cls, value: float | None) -> float | None:
        if value is not None and value > MAX_BUDGET:
            raise ValueError(f"预算金额 {value:g} 超过 {MAX_BUDGET:g} 的上限，不会是一个项目的预算；"
                             "请核对金额和金额单位")
        return value

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("预算年度应为数字，如 2025")
        if isinstance(value, str):
            text = normalize_text(value).replace(" ", "").removesuffix("年度").removesuffix("年")
            return None if not text or is_placeholder(text) else text
        return value

    @field_validator("function_code", mode="before")
    @classmethod
    def _function_code(cls, value: object) -> object:
        """The code of '2050201', 2050201, '2050201 学前教育' or '[2050201]学前教育' (full-width digits too)."""
        if isinstance(value, float) and value.is_integer():  # a spreadsheet's number cell
            value = int(value)
        if value is None or isinstance(value, bool) or not isinstance(value, str | int):
            return None if value is None else _bad_function_code(value)
        # Excel habits: a leading ' that keeps digits as text, a number saved as 2050202.0
        text = re.sub(r"^(\d+)\.0+$", r"\1", normalize_text(str(value)).strip().lstrip("'‘’"))
        if not text or is_placeholder(text):  # 【待填】, 待定: no code given yet
            return None
        m = FUNCTION_CODE.match(text)
        return m.group(1) if m else _bad_function_code(value)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: object) -> object:
        if value is None:
            raise ValueError("缺少项目名称，如 普惠性幼儿园生均公用经费补助")
        return value

    @property
    def filed_code(self) -> str | None:
        """The 支出功能分类 code the project is budgeted under: `function_code`, else one its description
        quotes after 科目 or 功能分类 (…当年年度预算100（财政资金100，科目2240109-应急管理）…)."""
        if self.function_code:
            return self.function_code
        m = QUOTED_CODE.search(normalize_text(self.description or ""))
        return m.group(1) if m else None

    @property
    def budget_yuan(self) -> float | None:
        return None if self.budget is None else self.budget * BUDGET_SCALE[self.budget_unit]


class GoalIndicator(BaseModel):
    model_config = ConfigDict(extra="ignore")

    level1: Text = Field(default="", max_length=50, description="一级指标：产出/成本/效益/满意度指标")
    level2: Text = Field(default="", max_length=50, description="二级指标，如 数量指标")
    name: Text = Field(default="", max_length=200, description="三级指标名称")
    operator: Text = Field(default="", max_length=20, description="符号：≥ ≤ = > < 或 定性")
    value: TargetValue = Field(default=None, description="指标值：数字或文字，符号可写在值里（≥95%）")
    unit: Text = Field(default="", max_length=50, description="计量单位")
    basis: OptionalText = Field(default=None, max_length=500, description="取值依据：计划/行业/历史/其他标准")
    baseline: TargetValue = Field(default=None, description="上年实际值")
    code: OptionalText = Field(default=None, max_length=40, description="指标库编码（起草时填写）")

    @field_validator("value", "baseline")
    @classmethod
    def _limit(cls, value: object) -> object:
        if isinstance(value, str) and len(value) > 500:
            raise ValueError("最多 500 个字；请写明目标值，如 ≥95%")
        return value

    @property
    def value_text(self) -> str:
        return _text(self.value) if self.value is not None else ""  # type: ignore[return-value]


class GoalDocument(BaseModel):
    model_config = ConfigDict(extra="ignore")

    project: Project
    goal: Text = Field(max_length=10000, description="年度绩效目标")
    indicators: list[GoalIndicator] = Field(max_length=MAX_INDICATORS, description="绩效指标")


class Finding(BaseModel):
    code: str
    severity: Severity
    message: str
    indicator: int | None = None
    suggestion: str | None = None
    refs: list[str] = Field(default_factory=list, description="codes of the library indicators the finding cites")


class CheckResult(BaseModel):
    findings: list[Finding] = Field(default_factory=list)
    score: int = Field(ge=0, le=100)
    grade: Grade
    submittable: bool = Field(default=True, description="false when any finding is an error: 需修改后提交")
    rationale: list[str] = Field(default_factory=list, description="How the score was reached")

    def severity_counts(self) -> dict[str, int]:
        """How many findings of each severity: {"error": n, "warning": n, "info": n}."""
        return {s: sum(f.severity == s for f in self.findings) for s in ("error", "warning", "info")}


class Draft(GoalDocument):
    """A drafted goal document, with the checker's findings on it (what the user still has to fill in)."""

    findings: list[Finding] = Field(default_factory=list)


def grade_for(score: float) -> Grade:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (财预〔2020〕10号)."""
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"

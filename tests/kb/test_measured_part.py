"""What a name measures of a subject it names first: the project's words at its start, or a fund's name
(`kb.subject.measured_part`), which search and checking share."""

import pytest

from kb.subject import TOTAL_COST, measured_part


@pytest.mark.parametrize(("name", "context", "measured"), [
    ("农村公路养护工程经费拨付及时率", "某县农村公路养护工程经费", "拨付及时率"),
    ("社区矫正工作机制健全性", "社区矫正工作经费", "机制健全性"),
    ("全县社区矫正工作机制健全性", "社区矫正工作经费", "机制健全性"),       # 全县 before the subject
    ("文化惠民演出补助资金当年支出率", "送戏下乡", "补助资金当年支出率"),    # a fund's name, not the project's
    ("乡村学校少年宫运行经费", "乡村学校少年宫运行经费", TOTAL_COST),       # the project's money itself
])
def test_measured_part_is_what_follows_the_subject(name, context, measured):
    assert measured_part(name, context) == measured


@pytest.mark.parametrize(("name", "context"), [
    ("接收入矫人数", "社区矫正工作经费"),              # no subject repeated from the project
    ("乡村学校少年宫", "乡村学校少年宫运行经费"),       # the project's subject only, and not its money
    ("社区矫正对象再犯罪率", "矫正"),                  # too few of the project's words to be its subject
    ("补助资金", ""),                                  # a fund's name with nothing measured after it
    ("2026年12月完成", "2026年忠烈祠免费开放经费"),     # a year is no subject
])
def test_measured_part_is_none_without_a_subject_and_a_measure(name, context):
    assert measured_part(name, context) is None

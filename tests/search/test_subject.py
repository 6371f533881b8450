"""A name that starts with its project's subject (or a fund's name) asks what is measured of it: the 项目通用指标
that names that measure is shown among the first hits (`kb.subject`, tested in tests/kb/test_measured_part.py)."""

import pytest


@pytest.mark.parametrize(("name", "project", "indicator"), [
    ("农村公路养护工程经费拨付及时率", "某县农村公路养护工程经费", "资金拨付及时率"),
    ("社区矫正工作机制健全性", "2025年社区矫正工作经费", "长效管理机制健全性"),
    ("乡村学校少年宫运行经费", "乡村学校少年宫运行经费", "项目总成本"),
    ("文化惠民演出补助资金当年支出率", "送戏下乡", "项目预算执行率"),
])
def test_builtin_the_measure_of_the_projects_own_subject_is_in_view(builtin, name, project, indicator):
    hits = builtin.query(name, k=5, context=project).hits
    assert indicator in [h.name for h in hits]
    assert builtin.query(name, k=5, context=project, as_name=False).hits[0].name != indicator

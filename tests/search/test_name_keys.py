"""How real tables write indicator names, read as search keys: numbering, level labels, units
and notes in brackets, yes/no questions and slogans; and what a name's ending asks for."""

import pytest

from kb.text import name_query
from search.measures import measure_form


@pytest.mark.parametrize(("written", "key"), [
    ("1.培训人次", "培训人次"),
    ("（1）项目验收合格率", "项目验收合格率"),
    ("一、资金到位率", "资金到位率"),
    ("①受益群众满意度", "受益群众满意度"),
    ("１．资金到位率", "资金到位率"),
    ("【产出指标】培训人次", "培训人次"),
    ("数量指标：培训人次", "培训人次"),
    ("【资金到位率】", "资金到位率"),
    ("资金执行率(%)", "资金执行率"),
    ("培训人次（人次）", "培训人次"),
    ("完成率（单位：%）", "完成率"),
    ("资金到位率%", "资金到位率"),
    ("建设项目个数(含续建)", "建设项目个数"),
    ("项目(工程)完成及时率", "项目工程完成及时率"),
    ("受益脱贫(监测)人口数", "受益脱贫监测人口数"),
    ("制作宣传横幅、公益宣传牌等", "制作宣传横幅、公益宣传牌"),
    ("是否存在违规行为", "违规行为"),
    ("是否按时完成", "按时完成"),
    ("是否有效预防疾病传播", "有效预防疾病传播"),
    ("有无安全事故", "安全事故"),
    ("广大群众防治知识知晓率显著提升", "群众防治知识知晓率"),
    ("服务周期内,市民满意度", "市民满意度"),
    ("指标1:全县参合人数", "全县参合人数"),
    ("任务2.诊断准确率", "诊断准确率"),
    ("指标1工程完工率", "工程完工率"),
    ("★★★受益建档立卡贫困人口数≥**人", "受益建档立卡贫困人口数"),
    ("*新建猪舍面积(≥**平方米)", "新建猪舍面积"),
    ("消毒机(≥台)", "消毒机"),
    ("补助成本(≤**元/株)", "补助成本"),
])
def test_name_query_reads_names_as_tables_write_them(written, key):
    assert name_query(written) == key


@pytest.mark.parametrize("name", ["0-6岁儿童健康管理率", "12345热线接通率", "5G基站建设数量", "1.5万亩高标准农田",
                                  "能力提升", "基础设施条件改善", "2025年度培训人次",
                                  "目标任务完成率", "指标体系完善率", "目标12个月完成", "指标一致率"])
def test_name_query_keeps_names_that_only_look_numbered_or_wrapped(name):
    assert name_query(name) == name


def test_name_query_never_returns_nothing():
    assert name_query("（%）") == "（%）"
    assert name_query("") == ""


@pytest.mark.parametrize(("name", "form"), [
    ("验收合格率", "rate"), ("低保资金占比", "rate"), ("受益群众满意度", "rate"),
    ("国家助学金人数", "amount"), ("维修面积", "amount"), ("宣传资料数量", "amount"),
    ("人工成本", None), ("文明施工", None),
])
def test_measure_form_reads_a_share_or_an_amount(name, form):
    assert measure_form(name) == form

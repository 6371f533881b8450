"""`kb`: the command line, on the top floor: a thin layer over the services the web app uses too.

Domain errors become one clear message on stderr and exit code 1 (2 for bad usage)."""

from __future__ import annotations

import getpass
import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from sqlmodel import Session
from tqdm import tqdm

from cli import help_zh
from cli.output import friendly
from cli.output import out as _out
from cli.users import users
from indicators.checker import check_documents
from indicators.drafter import draft_goal
from indicators.goal_sheets import read_goal_batch_partial
from indicators.goals import Project
from indicators.review_workbook import summary_workbook
from kb import store
from kb.db import get_engine
from kb.errors import InvalidInput
from kb.settings import Settings, get_settings
from kb.text import direction_statement
from search.context import direction_passage
from search.documents import passage_text
from search.encoders import make_encoder
from search.service import SearchService
from search.vectors import STATEMENTS, ship_vectors
from services.backup import backup, restore
from services.bootstrap import initialise
from services.filters import search_filters
from services.history import with_history
from services.library_io import HEADER_OF, export_library
from services.library_versions import LibraryReport, import_file, restore_version
from web.app import create_app
from web.errors import describe_validation

help_zh.install()
app = typer.Typer(help="绩效指标知识库：指标库、混合检索、绩效目标审核与起草。",
                  no_args_is_help=True, add_completion=False, cls=help_zh.ChineseGroup)
app.add_typer(users, name="user")


STAGES = {"tokenise": "分词", "embed": "向量化", "statements": "方向说明向量化"}


class _Bar:
    """A tqdm progress bar per stage, on stderr."""
    def __init__(self):
        self.bars = {}

    def __call__(self, stage: str, done: int, total: int) -> None:

        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=STAGES.get(stage, stage), unit="条", file=sys.stderr,
                                          leave=True)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()


def _service():
    """The search engine, initialising first only if the data directory is empty or stale."""
    settings = get_settings()
    _initialise(builtin=False)
    return SearchService.open(settings, get_engine(settings))


def _initialise(builtin: bool = True):

    return initialise(get_settings(), progress=_Bar(), builtin=builtin)


@app.command()
@friendly
def init() -> None:
    """创建或升级数据库，载入内置指标库，建立检索索引（可重复执行）。"""
    settings = get_settings()
    report = _initialise()
    _out(f"数据目录：{settings.data_dir}")
    _out(f"指标库第 {report.version} 版：{report.indicators} 个有效指标"
         + ("（已载入新版本）" if report.new_version else "（无变化）"))
    _out("检索索引" + (f"已重建（本次向量化 {report.embedded_now} 段文本）" if report.rebuilt_index
                      else "已是最新") + f"；用时 {sum(report.seconds.values()):.1f} 秒")


@app.command()
@friendly
def serve(host: str = "127.0.0.1",
          port: Annotated[int, typer.Option(min=1, max=65535, help="端口（1-65535）")] = 8000) -> None:
    """启动网页界面和 JSON API（需要时先初始化）。"""
    settings = get_settings()
    # with no indexes yet they are built first; stale ones (the library changed while the server was
    # down, or a rebuild was interrupted) are answered from and rebuilt while it serves
    initialise(settings, progress=_Bar(), index=not (settings.index_dir / "manifest.json").exists())
    _out(f"服务已启动：http://{host}:{port}（API 文档见 /docs）")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=True)


@app.command()
@friendly
def search(query: str, k: Annotated[int, typer.Option("-k", help="返回条数")] = 10,
           mode: str = "hybrid", as_json: Annotated[bool, typer.Option("--json")] = False,
           context: Annotated[str | None, typer.Option(
               "--context", help="指标所用于的项目（名称、概述）：适合该项目的指标排在前面")]
           = None,
           function_code: Annotated[str | None, typer.Option(
               "--function-code", help="只列该支出功能分类科目（类、款或项编码）下支出方向的指标")] = None,
           category: Annotated[str | None, typer.Option(help="只列该大类（名称或编码，如 教育 或 205）")] = None,
           subcategory: Annotated[str | None, typer.Option(help="只列该子类（名称或编码，如 20502）")] = None,
           direction: Annotated[str | None, typer.Option(help="只列该支出方向（名称或编码）")] = None,
           level1: Annotated[str | None, typer.Option(help="只列该一级指标，如 产出 或 满意度指标")] = None,
           level2: Annotated[str | None, typer.Option(help="只列该二级指标，如 质量 或 社会效益指标")] = None) -> None:
    """检索指标，列出最相关的结果。"""
    filters = search_filters(category=category, subcategory=subcategory, direction=direction, level1=level1,
                             level2=level2, function_code=function_code, option="--")
    result = _service().query(query, k=k, mode=mode, context=context, filters=filters)
    if as_json:
        _out(json.dumps({"query": result.query, "total": result.total, "read_as": result.read_as,
                         "hits": [h.model_dump() for h in result.hits]}, ensure_ascii=False, indent=1))
        return
    read_as = f"（按拼音读作「{result.read_as}」）" if result.read_as else ""
    _out(f"「{result.query}」{read_as}共 {result.total} 个匹配")
    for n, h in enumerate(result.hits, start=1):
        _out(f"{n:>2}. {h.name} [{h.unit or '定性'}]  {h.code}  {h.level1}/{h.level2}  "
             f"{h.category} › {h.subcategory} › {h.direction}  ({h.score:.3f})")


REPLACE_HELP = "整表替换：所导入大类中文件里没有的指标将停用"


SEVERITY_MARK = {"error": "✗", "warning": "!", "info": "·"}


def _workbook_target(path: Path) -> None:
    """Refuse a path a workbook cannot be written to: a folder, or a name that says another format."""
    if path.is_dir():
        raise InvalidInput(f"{path}：是文件夹；请给出要写入的文件名，如 {path / '审核汇总.xlsx'}")
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(f"{path.name}：汇总表是 Excel 工作簿，文件名请以 .xlsx 结尾")


@app.command()
@friendly
def check(files: Annotated[list[Path], typer.Argument(
        help="JSON、JSON lines、文件夹、绩效目标申报表（.xlsx、.xls 或 WPS 表格的 .et）、另存为 CSV 的目标表、"
             "Word 目标表（.docx）或 PDF 目标表（.pdf）")],
          as_json: Annotated[bool, typer.Option("--json")] = False,
          xlsx: Annotated[Path | None, typer.Option(help="同时把审核汇总表写到这个文件")] = None) -> None:
    """审核一个或多个绩效目标：完整性、细化量化、与预算的匹配。"""
    if xlsx:  # before the work, not after it
        _workbook_target(xlsx)
    documents, problems = [], []
    for path in files:
        docs, trouble = read_goal_batch_partial(path)
        documents += docs
        problems += trouble
    for p in problems:  # reported, and the rest is still checked
        typer.secho(f"无法读取，已跳过：{p}", fg="red", err=True)
    service = with_history(_service(), get_engine(get_settings()))  # last year's actuals as baselines
    results = list(zip(documents, check_documents(documents, service), strict=True))
    if xlsx:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        xlsx.write_bytes(summary_workbook(results))
    if as_json:
        _out(json.dumps([{"project": d.project.name, **r.model_dump()} for d, r in results],
                        ensure_ascii=False, indent=1))
        return
    for doc, result in results:
        _out(f"【{doc.project.name}】 {result.score} 分 · {result.grade}")
        for f in result.findings:
            where = f" [指标{f.indicator + 1}]" if f.indicator is not None else ""
            _out(f"  {SEVERITY_MARK[f.severity]} {f.code}{where} {f.message}")
            if f.suggestion:
                _out(f"      → {f.suggestion}")
    if xlsx:
        _out(f"汇总表已写入 {xlsx}")
    if problems:
        typer.secho(f"已检查 {len(documents)} 个目标文档；{len(problems)} 处无法读取，见上方说明", fg="red", err=True)
        raise typer.Exit(1)


@app.command()
@friendly
def draft(name: Annotated[str, typer.Option("--name", help="项目名称")],
          description: Annotated[str, typer.Option(help="项目概述：做什么、做多少")] = "",
          budget: Annotated[str | None, typer.Option(  # read as the API reads it: １２０, 120万元, 1,200
              help="预算金额（万元）")] = None,
          direction: Annotated[str, typer.Option(help="支出方向名称或编码（不填则自动推断）")] = "",
          function_code: Annotated[str, typer.Option(
              "--function-code", help="支出功能分类科目编码（类、款或项，如 2050202）：只在其下的支出方向中挑选")]
          = "",
          as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """按项目信息从指标库起草绩效目标。"""


    try:
        project = Project(name=name, description=description or None, budget=budget, direction=direction or None,
                          function_code=function_code or None)
    except ValidationError as exc:
        raise InvalidInput("项目信息不正确：" + describe_validation(exc.errors())[0]) from None
    doc = draft_goal(project, with_history(_service(), get_engine(get_settings())))
    if as_json:
        _out(doc.model_dump_json(indent=1))
        return
    _out(f"【{doc.project.name}】{doc.project.direction or ''}")
    _out(f"年度绩效目标：{doc.goal}")
    for n, ind in enumerate(doc.indicators, start=1):
        _out(f"{n:>2}. {ind.level1}/{ind.level2}  {ind.name}  {ind.operator}{ind.value_text}{ind.unit}"
             f"  （{ind.basis or '取值依据待填'}）")
    for f in getattr(doc, "findings", []):
        _out(f"  {SEVERITY_MARK[f.severity]} {f.message}")


DRY_RUN_HELP = "只预览：列出将新增、修改、停用的指标，不写入"
PREVIEW_ROWS = 20


def _cli_user() -> str:
    """Who runs the command, as a version records it: 命令行 <OS user>."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError, ImportError):  # no login name and no USER / LOGNAME in the environment
        name = ""
    return f"命令行 {name or '未知用户'}"


def _print_report(report: LibraryReport) -> None:
    added, changed, retired = report.counts
    if report.version is None:
        done = "" if report.dry_run else "，未生成新版本"
        _out(f"没有变化：与当前指标库（第 {report.base_version} 版）一致{done}")
        return
    head = f"预览（未写入）：将生成第 {report.version} 版" if report.dry_run else f"指标库第 {report.version} 版"
    _out(f"{head}：新增 {added}，修改 {changed}，停用 {retired}；有效指标 {report.indicator_count} 个")
    if report.taxonomy:
        _out(f"另有 {report.taxonomy} 个大类、子类或支出方向新增或改名")
    if report.dry_run and retired and report.mode == "replace":
        _out(f"注意：整表替换将停用 {retired} 个指标（文件所含大类中、文件里没有的指标）")
    if not report.dry_run:
        return
    for label, items in (("新增", report.added), ("修改", report.changed), ("停用", report.retired)):
        for c in items[:PREVIEW_ROWS]:
            changes = "；".join(f"{HEADER_OF.get(f, '状态')}：{old!s:.40} → {new!s:.40}"
                               for f, (old, new) in c.fields.items())
            _out(f"  {label} {c.code} {c.name}" + (f"（{changes}）" if label == "修改" else ""))
        if len(items) > PREVIEW_ROWS:
            _out(f"  ……另有 {len(items) - PREVIEW_ROWS} 个{label}")
    _out("以上为预览，未写入；去掉 --dry-run 即导入")


@app.command("import")
@friendly
def import_(path: Path, replace: Annotated[bool, typer.Option(help=REPLACE_HELP)] = False,
            dry_run: Annotated[bool, typer.Option("--dry-run", help=DRY_RUN_HELP)] = False) -> None:
    """从 Excel（.xlsx）或 CSV 导入本地指标库（可先用 --dry-run 预览）。"""
    report = import_file(get_settings(), path, replace=replace, dry_run=dry_run, imported_by=_cli_user())
    _print_report(report)
    if dry_run:
        return
    rebuilt = _initialise(builtin=False)  # also when nothing changed: an interrupted rebuild is caught up
    if report.version is None and rebuilt.rebuilt_index:
        _out("检索索引落后于指标库，已重建")


@app.command("restore-version")
@friendly
def restore_version_(number: Annotated[int, typer.Argument(help="要恢复的版本号")],
                     dry_run: Annotated[bool, typer.Option("--dry-run", help=DRY_RUN_HELP)] = False) -> None:
    """把指标库恢复为第 N 版的内容（生成一个新版本，可再恢复回来）。"""
    report = restore_version(get_settings(), number, dry_run=dry_run, imported_by=_cli_user())
    _print_report(report)
    if not dry_run:
        _initialise(builtin=False)


@app.command("export")
@friendly
def export(path: Path) -> None:
    """把指标库导出为 Excel（.xlsx）或 CSV。"""
    count = export_library(get_settings(), path)
    _out(f"已导出 {count} 个指标到 {path}")


@app.command("backup")
@friendly
def backup_(path: Path) -> None:
    """把数据库（指标库各版本及全部数据）备份到一个文件；服务运行中也可备份。"""
    size = backup(get_settings(), path)
    _out(f"已备份到 {path}（{size / 1e6:.1f} MB）；恢复：在新的数据目录运行 kb restore {path}")


@app.command("restore")
@friendly
def restore_(path: Path) -> None:
    """把 kb backup 的备份恢复到一个新的数据目录，并重建检索索引。"""
    target = restore(get_settings(), path)
    report = _initialise(builtin=False)
    _out(f"已恢复到 {target}：指标库第 {report.version} 版，{report.indicators} 个有效指标")


@app.command()
@friendly
def vectors() -> None:
    """重建随软件发布的内置指标库向量：指标和支出方向各一份（只重新计算文本有变化的）。"""
    with tempfile.TemporaryDirectory() as tmp:
        # a bulk job on an otherwise idle machine: let the encoder use every core
        settings = Settings(data_dir=Path(tmp), database_url=None, encoder=get_settings().encoder, encoder_threads=0)
        initialise(settings, progress=_Bar())
        with Session(get_engine(settings)) as session:
            texts = [passage_text(i) for i in store.all_indicators(session)]
            directions = [direction_passage(d.name, c.name, d.summary, tuple(d.keywords))
                          for d, _, c in store.all_directions(session)]
            statements = [direction_statement(d.name, d.summary) for d, _, _ in store.all_directions(session)]
        encoder = make_encoder(settings.encoder, settings.encoder_threads)
        where = ship_vectors(encoder, texts, cache_dir=settings.data_dir / "vectors")
        ship_vectors(encoder, directions, cache_dir=settings.data_dir / "vectors", kind="directions")
        # statements are compared with queries, at the 0.91 floor of a fit: kept at full precision
        ship_vectors(encoder, statements, cache_dir=settings.data_dir / "vectors", kind=STATEMENTS, role="query",
                     dtype="float32")
    _out(f"已写入 {len(texts)} 个指标向量、{len(directions)} 个支出方向向量和 {len(statements)} 条方向说明向量"
         f"到 {where.parent}")


def main() -> None:  # pragma: no cover
    app()

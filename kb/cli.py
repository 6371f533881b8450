"""`kb`: the command line, a thin layer over the same services the web app uses.

Domain errors become one clear message on stderr and exit code 1 (2 for bad usage)."""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path
from typing import Annotated

import typer

from kb.errors import KBError
from kb.settings import get_settings

app = typer.Typer(help="绩效指标知识库: indicator library, hybrid search, goal checking and drafting.",
                  no_args_is_help=True, add_completion=False)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def friendly(fn):
    """Turn domain errors into a message and exit code 1 instead of a traceback."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except KBError as exc:
            typer.secho(f"error: {exc.message}", fg="red", err=True)
            for d in exc.details[:50]:
                typer.echo(f"  - {d}", err=True)
            raise typer.Exit(1) from None
    return wrapper


class _Bar:
    """A tqdm progress bar per stage, on stderr."""

    def __init__(self):
        self.bars = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit="item", file=sys.stderr, leave=True)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()


def _service():
    """The search engine, initialising first only if the data directory is empty or stale."""
    from kb.db import get_engine
    from search.service import SearchService

    settings = get_settings()
    _initialise(builtin=False)
    return SearchService.open(settings, get_engine(settings))


def _initialise(builtin: bool = True):
    from kb.bootstrap import initialise

    return initialise(get_settings(), progress=_Bar(), builtin=builtin)


@app.command()
@friendly
def init() -> None:
    """Create or upgrade the database, load the built-in library, build the search indexes."""
    settings = get_settings()
    report = _initialise()
    _out(f"data directory: {settings.data_dir}")
    _out(f"library version {report.version}: {report.indicators} active indicators"
         + (" (new version loaded)" if report.new_version else " (unchanged)"))
    _out("search indexes " + (f"rebuilt ({report.embedded_now} passages embedded now)" if report.rebuilt_index
                              else "up to date") + f"; took {sum(report.seconds.values()):.1f} s")


@app.command()
@friendly
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Start the web UI and the JSON API (initialises first if needed)."""
    import uvicorn

    from web.app import create_app

    _initialise()
    _out(f"serving on http://{host}:{port}  (API docs at /docs)")
    uvicorn.run(create_app(get_settings()), host=host, port=port, log_level="warning")


@app.command()
@friendly
def search(query: str, k: Annotated[int, typer.Option("-k", help="how many hits")] = 10,
           mode: str = "hybrid", as_json: Annotated[bool, typer.Option("--json")] = False,
           context: Annotated[str | None, typer.Option(
               "--context", help="the project the indicator is for (name, description): fitting indicators first")]
           = None) -> None:
    """Print the best indicators for a query."""
    result = _service().query(query, k=k, mode=mode, context=context)
    if as_json:
        _out(json.dumps({"query": result.query, "total": result.total,
                         "hits": [h.model_dump() for h in result.hits]}, ensure_ascii=False, indent=1))
        return
    _out(f"{result.total} matches for 「{result.query}」")
    for n, h in enumerate(result.hits, start=1):
        _out(f"{n:>2}. {h.name} [{h.unit or '定性'}]  {h.code}  {h.level1}/{h.level2}  "
             f"{h.category} › {h.subcategory} › {h.direction}  ({h.score:.3f})")


REPLACE_HELP = "retire indicators of the imported categories that the file no longer has"


SEVERITY_MARK = {"error": "✗", "warning": "!", "info": "·"}


@app.command()
@friendly
def check(files: Annotated[list[Path], typer.Argument(help="JSON, JSON lines, a folder, or goal spreadsheets")],
          as_json: Annotated[bool, typer.Option("--json")] = False,
          xlsx: Annotated[Path | None, typer.Option(help="also write a summary workbook here")] = None) -> None:
    """Check one or more goal documents for quantifiability, completeness and budget match."""
    from indicators.checker import check_goal
    from indicators.goal_sheets import read_goal_batch_partial, summary_workbook

    documents, problems = [], []
    for path in files:
        docs, trouble = read_goal_batch_partial(path)
        documents += docs
        problems += trouble
    for p in problems:  # reported, and the rest is still checked
        typer.secho(f"无法读取，已跳过：{p}", fg="red", err=True)
    service = _service()
    results = [(doc, check_goal(doc, service)) for doc in documents]
    if xlsx:
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
def draft(name: Annotated[str, typer.Option("--name", help="project name")],
          description: Annotated[str, typer.Option(help="what the project does")] = "",
          budget: Annotated[float | None, typer.Option(help="budget in 万元")] = None,
          direction: Annotated[str, typer.Option(help="spending direction name or code (inferred if omitted)")] = "",
          as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print a drafted goal document for a project, built from the library."""
    from pydantic import ValidationError

    from indicators.drafter import draft_goal
    from indicators.goals import Project

    try:
        project = Project(name=name, description=description or None, budget=budget, direction=direction or None)
    except ValidationError as exc:
        raise KBError(f"the project is not valid: {exc.errors()[0]['msg']}") from None
    doc = draft_goal(project, _service())
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


@app.command("import")
@friendly
def import_(path: Path, replace: Annotated[bool, typer.Option(help=REPLACE_HELP)] = False) -> None:
    """Load a bureau's own indicator library from a spreadsheet (.xlsx) or CSV."""
    from indicators.library_sheet import import_library

    version = import_library(get_settings(), path, replace=replace)
    if version is None:
        _out("nothing changed: the file matches the current library")
        return
    _out(f"library version {version.number}: {version.added} added, {version.changed} changed, "
         f"{version.retired} retired; {version.indicator_count} active indicators")
    _initialise(builtin=False)


@app.command("export")
@friendly
def export(path: Path) -> None:
    """Write the library to a spreadsheet (.xlsx) or CSV."""
    from indicators.library_sheet import export_library

    count = export_library(get_settings(), path)
    _out(f"wrote {count} indicators to {path}")


@app.command()
@friendly
def vectors() -> None:
    """Rebuild the passage vectors shipped in the package for the built-in library
    (only passages whose text changed are embedded again)."""
    import tempfile

    from sqlmodel import Session

    from kb import store
    from kb.bootstrap import initialise
    from kb.db import get_engine
    from kb.settings import Settings
    from search.documents import passage_text
    from search.encoders import make_encoder
    from search.vectors import ship_vectors

    with tempfile.TemporaryDirectory() as tmp:
        # a bulk job on an otherwise idle machine: let the encoder use every core
        settings = Settings(data_dir=Path(tmp), database_url=None, encoder=get_settings().encoder, encoder_threads=0)
        initialise(settings, progress=_Bar())
        with Session(get_engine(settings)) as session:
            texts = [passage_text(i) for i in store.all_indicators(session)]
        encoder = make_encoder(settings.encoder, settings.encoder_threads)
        where = ship_vectors(encoder, texts, cache_dir=settings.data_dir / "vectors")
    _out(f"wrote {len(texts)} vectors to {where}")


def main() -> None:  # pragma: no cover
    app()

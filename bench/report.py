"""``docs/benchmarks.md``, written from the results of a run (``bench/out/results-*.json``).

Every figure is shown as its median and as a ratio to its reference; every target of the
issue "Benchmarks and speed" as met or not met with the number measured.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.entryfiles import TARGET, entries_section, entries_target
from bench.measure import median
from bench.references import DUCKDB_MEMORY

__all__ = ["write_report", "render", "KEPT"]

KEPT = "<!-- kept: what follows is not written by the suite and stays when it writes again -->"
"""In the report, the start of sections measured by other scripts (``bench/loadmemory.py``)."""

Results = dict[str, Any]
_MB = 1e6
_TOOL_NAMES = {"duckdb": "DuckDB", "pandas": "pandas", "sqlite": "plain SQLite"}
_JOIN_NAMES = {"duckdb": "DuckDB join", "pandas": "pandas merge", "sqlite": "SQLite join"}


def write_report(res: Results, path: Path) -> None:
    """Write the report of *res* to *path*, keeping what follows :data:`KEPT` there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    old = path.read_text() if path.exists() else ""
    kept = old[old.index(KEPT):] if KEPT in old else ""
    path.write_text(render(res) + ("\n" + kept if kept else ""))


def render(res: Results) -> str:
    """The whole report as Markdown."""
    parts = [_head(res), _targets(res), _missed(res), _load(res), _map(res), _paged(res),
             _stream(res), _growth(res), _entries(res), _unmeasured(res), _method(res)]
    return "\n\n".join(p.strip("\n") for p in parts if p) + "\n"


# -- formatting ---------------------------------------------------------------------------------

def _s(seconds: float) -> str:
    """Seconds, with precision to match (``0.042 s``, ``3.51 s``, ``152 s``)."""
    if math.isnan(seconds):
        return "–"
    if seconds < 1:
        return f"{seconds:.3f} s"
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:,.0f} s"


def _x(ratio: float) -> str:
    return "–" if math.isnan(ratio) or math.isinf(ratio) else f"{ratio:.2f}×"


def _mb(kb: float) -> str:
    return "–" if math.isnan(kb) else f"{kb * 1024 / _MB:,.0f} MB"


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _not_measured(title: str, res: Results, step: str) -> str:
    """A section whose figure is missing, with the error that stopped it."""
    return f"{title}\n\nNot measured: {res['errors'].get(step, 'no data')}"


def _met(ok: bool | None) -> str:
    return "not measured" if ok is None else "**met**" if ok else "**not met**"


# -- the sections ---------------------------------------------------------------------------------

def _head(res: Results) -> str:
    m, project = res["machine"], res["project"]
    code = f"commit `{project['commit'][:12]}`"
    if project.get("worktree"):
        code += " plus the work tree's uncommitted changes" if project.get(
            "uncommitted_changes") else " (the work tree, clean)"
    else:
        code += " (exported with `git archive`)"
    rels = res["releases"]
    rows = [[f"{tag} ({'×10' if tag == 'big' else 'for figure 5'})", f"{r['accessions']:,}",
             f"{r['lines']:,}", f"{r['dat_bytes'] / _MB:,.1f} MB"]
            for tag, r in sorted(rels.items(), key=lambda kv: kv[1]["accessions"], reverse=True)]
    avg = res["load_average"]
    sharing = _sharing(avg.get("start"), m["cores"])
    repeats = ("every figure is from one run" if res["repeat"] == 1
               else f"every figure is the median of {res['repeat']} runs")
    quick = ("\n\n**This is a quick smoke run** (small release, one repeat): its numbers are "
             "not the ones to quote." if res.get("quick") else "")
    return f"""# Benchmarks

How fast idmapping loads UniProt's idmapping.dat, maps ids through its HTTP API and serves
results, each figure measured beside tools that do the same work, in the same run. This file
is written by the benchmark suite in `bench/` (never part of the tests or CI): run it again
rather than editing it.{quick}

## The run

- **Command**: `{res['command']}` (from the repository root; `pip install -r bench/requirements.txt`
  first, and `apt-get install wrk` for figure 3)
- **Code measured**: idmapping {m['idmapping']}, {code}
- **Machine**: {m['cores']} cores (`os.cpu_count()`), {m['memory_kb'] / 1024 / 1024:.1f} GiB
  memory, {m['cpu']}; {m['os']}; Python {m['python']}, SQLite {m['sqlite']}, DuckDB
  {m['duckdb']}, pandas {m['pandas']}, pyarrow {m['pyarrow']}, uvicorn {m['uvicorn']}, wrk
  {m['wrk']}
- **When**: {res['started']} to {res.get('finished', '(unfinished)')}; load average (1, 5, 15
  min) {_avg(avg.get('start'))} at the start and {_avg(avg.get('end'))} at the end.
  {sharing}
- **Repeats**: {repeats}.
- **Data**: releases generated by `idmapping.demo.generate` (seed {res['seed']}) in UniProt's
  exact formats; only `idmapping.dat.gz` is loaded, but for figure 6 (entry files).

{_table(["release", "accessions", "idmapping.dat lines", "idmapping.dat.gz"], rows)}"""


def _sharing(start: Sequence[float] | None, cores: int) -> str:
    """What the load average before the run says of the machine's other work."""
    if not start:
        return "The load average was not read, so other work on the machine is unknown."
    if max(start) >= cores / 2:
        return (f"Other work shared the {cores} cores (a load average of {max(start):.2f} before "
                "the run), so absolute times are pessimistic; the ratios, measured side by side, "
                "are the steadier numbers.")
    return (f"The machine was otherwise about idle before the run (load averages below "
            f"{cores / 2:g}); the ratios, measured side by side, are still the steadier numbers.")


def _avg(values: Sequence[float] | None) -> str:
    return " / ".join(f"{v:.2f}" for v in values) if values else "–"


def _load_medians(res: Results, tag: str) -> dict[str, float]:
    """Median seconds per loader of one release (``duckdb`` is load plus index)."""
    fig = res.get("load", {}).get(tag)
    if not fig or not fig["project"]:
        return {}
    out = {"project": median(fig["project"]), "read_limit": median(fig["read_limit"]),
           "project_rss_kb": median(fig["project_rss_kb"])}
    for tool in _tools(res):
        out[tool] = median([a + b for a, b in zip(fig[tool]["load"], fig[tool]["index"],
                                                  strict=True)])
        out[tool + "_load"] = median(fig[tool]["load"])
    if fig.get("postgres", {}).get("seconds"):
        out["postgres"] = median(fig["postgres"]["seconds"])
        out["postgres_rss_kb"] = median(fig["postgres"]["rss_kb"])
    return out


def _tools(res: Results) -> list[str]:
    """The references this run measured (older runs measured all three)."""
    return [t for t in _TOOL_NAMES if t in res.get("references", _TOOL_NAMES)]


def _map_figure(res: Results, tag: str, key: str, n: int | None = None) -> Results | None:
    """The figure-2 result of list *key* (and size *n*) on a release, if it was measured."""
    for fig in res.get("map", {}).get(tag, {}).values():
        if fig["key"] == key and (n is None or fig["n"] == n) and fig["seconds"]:
            return fig  # type: ignore[no-any-return]
    return None


def _join(res: Results, tag: str, fig: Results, tool: str) -> float:
    joins = res.get("joins", {}).get(tag, {}).get(f"{fig['key']}-{fig['n']}", {})
    return median(joins.get(tool, {}).get("seconds", []))


def _largest_list(res: Results, key: str) -> Results | None:
    """The measured figure-2 list of *key* with the most ids, on the large release."""
    figs = [f for f in res.get("map", {}).get("big", {}).values()
            if f["key"] == key and f["seconds"]]
    return max(figs, key=lambda f: f["n"]) if figs else None


def _targets(res: Results) -> str:
    rows = [row for _, row in _target_rows(res)]
    size = res["releases"].get("big", {}).get("accessions", 0)
    return (f"## Targets\n\nFrom the issue, for 1M accessions on this 2-core machine; this run "
            f"used {size:,}.\n\n" + _table(["target", "measured (median)", ""], rows))


def _target_rows(res: Results) -> list[tuple[str, list[str]]]:
    """``(key, row)`` of each target measured; the row's last cell says met or not met."""
    rows: list[tuple[str, list[str]]] = []
    loads, small_loads = _load_medians(res, "big"), _load_medians(res, "small")
    budget = res.get("load_memory_mb")
    for tag, figures in (("small", small_loads), ("big", loads)):
        if budget and figures:
            accessions = res["releases"][tag]["accessions"]
            peak_mb = figures["project_rss_kb"] / 1024
            rows.append(("load_memory", [
                f"{accessions:,} accessions: load peak within `load_memory_mb` ({budget:,} MiB)",
                f"{peak_mb:,.0f} MiB", _met(peak_mb <= budget)]))
    if loads and small_loads:
        load_growth = _ratio(loads["project"], small_loads["project"])
        rows.append(("load_growth", ["10× release: load grows ≤ 10.5×", _x(load_growth),
                                     _met(load_growth <= 10.5)]))
    if loads and "duckdb" in loads:
        ratio = _ratio(loads["project"], loads["duckdb"])
        rows.append(("load", ["load ≤ 0.7× DuckDB's read + index",
                     f"{_s(loads['project'])} vs {_s(loads['duckdb'])} ({_x(ratio)})",
                     _met(ratio <= 0.7)]))
    if loads:
        limit = _ratio(loads["project"], loads["read_limit"])
        rows.append(("read_limit", ["load on the way to 5× the read limit",
                                    f"{_x(limit)} the read limit", _met(limit <= 5)]))
    if loads and "postgres" in loads:
        ratio = _ratio(loads["postgres"], loads["project"])
        rows.append(("postgres", ["PostgreSQL load within 1.5× of SQLite's",
                                  f"{_s(loads['postgres'])} vs {_s(loads['project'])} "
                                  f"({_x(ratio)})", _met(ratio <= 1.5)]))
    genes = _largest_list(res, "genes")
    if genes:
        http, duck = median(genes["seconds"]), _join(res, "big", genes, "duckdb")
        rows.append(("genes", [
            f"map {genes['n']:,} gene names over HTTP ≥ 2× faster than DuckDB's join",
            f"{_s(http)} vs {_s(duck)}: {_x(_ratio(duck, http))} as fast",
            _met(http * 2 <= duck)]))
    for n, limit in ((100_000, 0.3), (1_000_000, 3.0)):
        fig = next((f for f in res.get("map", {}).get("big", {}).values()
                    if f["n"] == n and f["seconds"]), None)
        label = f"{n:,} ids end to end ≤ {limit:g} s"
        if fig:
            seconds = median(fig["seconds"])
            rows.append(("end_to_end", [
                label, f"{_s(seconds)} ({fig['from']}, {fig['pairs']:,} pairs)",
                _met(seconds <= limit)]))
        else:
            rows.append(("end_to_end", [label, "–", _met(None)]))
    paged = res.get("paged")
    if paged:
        rps = median([r["rps"] for r in paged["runs"]])
        rows.append(("paged", ["paged results ≥ 1,500 requests/s", f"{rps:,.0f} requests/s",
                               _met(rps >= 1500)]))
    stream = res.get("stream")
    if stream:
        large, small = _stream_row(stream["large"]), _stream_row(stream["small"])
        flat = large["peak"] <= small["peak"] * 1.10
        rows.append(("stream", [f"streaming {large['pairs']:,} pairs: server < 300 MB",
                                f"peak {_mb(large['peak'])}",
                                _met(large["peak"] * 1024 < 300 * _MB)]))
        rows.append(("stream", [
            f"… and flat (peak within 10% of a {small['pairs']:,}-pair stream's)",
            f"{_mb(large['peak'])} vs {_mb(small['peak'])}", _met(flat)]))
    growth = _growth_rows(res)
    if growth:
        worst = max(growth, key=lambda g: g[3])
        rows.append(("growth", ["10× release: map time grows < 1.5×",
                                f"at most {_x(worst[3])} (map {worst[0].split(' (')[0]})",
                                _met(worst[3] < 1.5)]))
    if res.get("entries"):
        gain, cell = entries_target(res["entries"]["rows"])
        rows.append(("entries", [f"entry files ≥ {TARGET:g}× the rate before issue 18, per "
                                 "machine", cell, _met(gain >= TARGET)]))
    return rows


_WHY = {
    "load_memory": (
        "**Load memory.** The load keeps a bounded cache of entry numbers and a bounded number "
        "of batches in flight (see the issue 18 section below); SQLite's page cache, Arrow's "
        "pool and the interpreter come on top of the setting's shares."),
    "load_growth": (
        "**Load growth.** At 10M on the idle machine the load took 11.1× the 1M load (CPU "
        "10.7×; the issue 18 sections below). What grows faster than the rows: the final "
        "key index's sort (ten times the rows, n·log n), and, past the entry cache's bound "
        "(3.4M accessions with the default 2 GiB), the upkeep and look-ups of the temporary "
        "index of accession numbers. Whole loads on this shared machine vary by up to 1.7× "
        "with what ran before them. What would meet it: the key index sorted in parts on "
        "both cores, and the numbers merged into their index only each time the cache is "
        "emptied."),
    "postgres": (
        "**PostgreSQL load.** The rows travel to the server by binary COPY from the loading "
        "process, and the server then sorts and indexes them; on 2 cores the server's work and "
        "the client's share the same cores."),
    "load": (
        "**Load.** Profiled with py-spy on the 1M release: the main thread spends about a third "
        "of its time inserting rows into SQLite (128 rows a statement, about 1 µs a row of "
        "processor time for 17M rows, half of it SQLite's own), a third building the key "
        "index `xrefs_by_key` and the rest on entries, derived gene names and statistics, "
        "while Arrow parses and prepares the next batch on the second core. DuckDB appends "
        "column batches in C and builds its index on both cores. What would meet it: fewer rows "
        "(the per-entry singletons UniRef100/90/50, UniParc and CRC64, 5M of the 18M rows, as "
        "columns of `entries`), and the release built by two processes (xrefs split by entry "
        "range into two files, each filled and indexed on its own core)."),
    "read_limit": (
        "**5× the read limit** (15 s) is below what per-row binding from Python allows (about 17 s "
        "of processor time for the inserts alone): it needs a loader that never makes a Python "
        "object per value, such "
        "as a C extension writing SQLite pages in key order, or a column store."),
    "genes": (
        "**Gene names.** The job maps 2.5× the pairs of the exact join (gene names match "
        "case-insensitively, as on UniProt's service), orders them per input as UniProt does "
        "(reviewed entries first), stores them as the job's results and streams them back as "
        "TSV; DuckDB's join returns an unordered Arrow table that nothing stores. Twice DuckDB's "
        "speed end to end would need results that are never stored, computed again for each "
        "page, which UniProt's cursor paging over one fixed result does not allow cheaply."),
    "end_to_end": (
        "**Large jobs end to end.** A million accessions map to their own entries as runs, "
        "without a Python object per pair, and a job's pairs are stored as blocks of 250 (the "
        "issue 18 jobs sections below). The 100,000-id list is RefSeq ids: each is a probe of "
        "the key index and a pair of its own. SQLite finds them in two queries "
        "(`store/sqlite_hits.py`): the hits of the sorted keys, then their entries, each "
        "probed once in the order of its number, the rows ordered by NumPy. The job's wait "
        "(figure 2's split) is that lookup and the blocks' writing: in process, the hits' "
        "query about 90 ms (60 ms of it the key index's probes), the entries' query about "
        "50 ms, the keys' sort 28 ms and the JSON arrays about 30 ms; submitting (the "
        "request's parsing, the ids' keys) and streaming come on top. What would meet it: the "
        "blocks written by SQLite itself (the ordered aggregates of SQLite 3.44 and later; "
        "Debian 12 has 3.40), so that no Python object is made per pair, and the keys sorted "
        "without a Python string each."),
    "paged": (
        "**Paged results.** Each page is two indexed reads of a few dozen microseconds, and "
        "only the page's items are decoded; the server spends about 550 to 650 µs of "
        "processor time a page, most of it in the HTTP framework's own work per request "
        "(routing, the request's URL, the response), on one process sharing two cores with "
        "the load generator. Measured in turns at load average 1.7 to 2.4: 1,444 to 1,744 "
        "requests/s (the issue 18 paged sections below). What would meet it every time: the "
        "public URL and the route resolved below the framework's routing, or a second "
        "`IDMAPPING_WORKERS` process on a machine whose cores are not shared with the load "
        "generator."),
    "entries": (
        "**Entry files.** A worker builds UniProt's whole JSON of each entry in Python, with "
        "its search words and compressed documents, at a few MB of text a CPU-second "
        "(figure 6's table); the loading process inflates, cuts, receives and stores. On 2 cores "
        "that is at most about twice one process: the issue's tenfold needs a compiled "
        "reader of the flat file and XML (the structure of UniProt's JSON is fixed) writing "
        "the document bytes without Python objects, and more cores. The practical path for "
        "the whole of UniProtKB is `idmapping.dat` or `idmapping_selected.tab`, with entry "
        "files only for Swiss-Prot and the organisms asked for (docs/getting-data.md)."),
    "stream": "**Streaming memory** is one batch of 10,000 pairs at a time, whatever the size.",
    "growth": "**Growth.** Every lookup is an index probe: its cost grows with log(rows).",
}
"""Why a target is missed and what would meet it (from the profiles), shown when it is."""


def _missed(res: Results) -> str:
    keys = list(dict.fromkeys(key for key, row in _target_rows(res) if "not met" in row[-1]))
    if not keys:
        return ""
    return ("## Where a target is missed\n\n"
            + "\n\n".join(_WHY[key] for key in keys if key in _WHY))


def _load(res: Results) -> str:
    loads = _load_medians(res, "big")
    if not loads:
        return _not_measured("## 1. Load", res, "load-big")
    fig = res["load"]["big"]
    rss = {"project": median(fig["project_rss_kb"]),
           **{t: median(fig[t]["rss_kb"]) for t in _tools(res)}}
    rows = [["**idmapping load**", _s(loads["project"]), "1.00×", _mb(rss["project"])],
            ["read limit: `zcat | wc -l`", _s(loads["read_limit"]),
             _x(_ratio(loads["project"], loads["read_limit"])), "–"]]
    if "postgres" in loads:
        rows.insert(1, ["idmapping load into PostgreSQL (client's RSS)", _s(loads["postgres"]),
                        _x(_ratio(loads["project"], loads["postgres"])),
                        _mb(loads["postgres_rss_kb"])])
    for tool in _tools(res):
        name = _TOOL_NAMES[tool]
        load_only = loads[tool + "_load"]
        label = f"{name}: read, then index (type, value)" if tool != "pandas" else \
            "pandas: `read_csv` (no index)"
        rows.append([label, f"{_s(loads[tool])} ({_s(load_only)} + "
                            f"{_s(loads[tool] - load_only)})",
                     _x(_ratio(loads["project"], loads[tool])), _mb(rss[tool])])
    rows_read, store_bytes = fig.get("rows", 0), fig.get("store_bytes", 0)
    lines = res["releases"]["big"]["lines"]
    return f"""## 1. Load

`idmapping load --store <fresh store> -q idmapping.dat.gz` in its own process: wall time and
peak RSS (`ru_maxrss` of that process), with `load_memory_mb` at
{res.get("load_memory_mb", 2048):,} MiB. It read {rows_read:,} rows at
{rows_read / loads['project']:,.0f} rows/s into a store of {store_bytes / _MB:,.0f} MB
({store_bytes / lines if lines else float("nan"):,.1f} bytes per idmapping.dat line).
The ratio column is idmapping's time divided by the reference's: above 1, idmapping is slower.

{_table(["loader", "median", "idmapping ÷ it", "peak RSS"], rows)}"""


def _map(res: Results) -> str:
    keys = dict.fromkeys(f["key"] for f in res.get("map", {}).get("big", {}).values())
    shown = [f for f in (_largest_list(res, key) for key in keys) if f]
    failed = [f for f in res.get("map", {}).get("big", {}).values() if f["error"]]
    rows = []
    for fig in sorted(shown + failed, key=lambda f: f["n"]):
        if not fig["seconds"]:
            rows.append([f"{fig['n']:,} {fig['from']}", "–", "–", "–", fig["error"][:80],
                         *["–"] * len(_tools(res)), "–"])
            continue
        http = median(fig["seconds"])
        phases = "/".join(f"{median(fig[p]):.2f}" for p in ("submit", "wait", "stream"))
        joins = {t: _join(res, "big", fig, t) for t in _tools(res)}
        pairs = res["joins"]["big"].get(f"{fig['key']}-{fig['n']}", {}).get("duckdb", {})
        rows.append([f"{fig['n']:,} {fig['from']} → {fig['to']}", f"{fig['pairs']:,}",
                     f"{pairs.get('pairs', 0):,}", f"**{_s(http)}**", phases,
                     *[_s(joins[t]) for t in _tools(res)],
                     _x(_ratio(http, joins.get("duckdb", float("nan"))))])
    return f"""## 2. Map through the HTTP API

End to end as a client sees it: `POST /idmapping/run`, then `GET /idmapping/status/{{id}}`
every 10 ms until its 303 (not followed), then `GET /idmapping/stream/{{id}}?format=tsv` to the
last byte. Jobs of at most `IDMAPPING_INLINE_JOB_IDS` (20,000, the default) ids finish inside
the POST. Every repeat is a new job (stored jobs are purged first: a job id is a hash of the
request, so a repeat would otherwise re-use it). The references join the same ids, passed as a
Python list, against the table they loaded in figure 1, in process, ending with every pair
materialised (an Arrow table, a DataFrame, a list of rows); one untimed join runs first.
"Pairs (plain join)" are DuckDB's (pandas and SQLite agree). They differ where the service's
rules differ from an exact join: gene names match case-insensitively, as on UniProt's service
(`QWX17` also finds the mouse `Qwx17` and the fish `qwx17`), so the gene-name job streams more
pairs than the plain joins return. List sizes are those of the large release; the smaller
lists of figure 5 were mapped on it too and appear there.

{_table(["ids", "pairs (idmapping)", "pairs (plain join)", "idmapping over HTTP",
         "submit / wait / stream (s)", *[_JOIN_NAMES[t] for t in _tools(res)],
         "idmapping ÷ DuckDB"], rows)}"""


def _paged(res: Results) -> str:
    paged = res.get("paged")
    if not paged:
        return _not_measured("## 3. Paged results", res, "paged")
    runs = paged["runs"]
    rps = median([r["rps"] for r in runs])
    return f"""## 3. Paged results under concurrent clients

`GET /idmapping/results/{{id}}?size=25&cursor=…` (JSON) at 1,000 seeded random pages of the
{paged['pairs']:,}-pair job, on the loopback, by {runs[0]['tool']} (the load generator shares
the 2 cores with the server, one uvicorn process as `idmapping serve` starts by default).

{_table(["requests/s (median)", "latency p50", "latency p99", "requests", "failures", "target"],
        [[f"**{rps:,.0f}**", f"{median([r['p50_ms'] for r in runs]):.1f} ms",
          f"{median([r['p99_ms'] for r in runs]):.1f} ms",
          f"{sum(r['requests'] for r in runs):,}", f"{sum(r['failures'] for r in runs):,}",
          f"1,500/s: {_x(_ratio(rps, 1500))}"]])}"""


def _stream_row(fig: Results) -> dict[str, float]:
    runs = fig["runs"]
    return {"pairs": runs[0]["pairs"], "seconds": median([r["seconds"] for r in runs]),
            "before": median([r["before_kb"] for r in runs]),
            "peak": median([r["peak_kb"] for r in runs])}


def _stream(res: Results) -> str:
    stream = res.get("stream")
    if not stream:
        return _not_measured("## 4. Server memory while streaming", res, "stream")
    rows = []
    for label in ("small", "large"):
        row = _stream_row(stream[label])
        rows.append([f"{row['pairs']:,}", _s(row["seconds"]), _mb(row["before"]),
                     f"**{_mb(row['peak'])}**", _mb(row["peak"] - row["before"])])
    hwm = res.get("server_hwm_kb", {}).get("big")
    extra = (f"\n\nFor comparison, the server of figure 2, which also *ran* the mappings (the "
             f"largest among them), peaked at {_mb(hwm)} (`VmHWM`)." if hwm else "")
    return f"""## 4. Server memory while streaming

RSS of the `idmapping serve` process (`/proc/<pid>/status`, sampled every 5 ms) while one
client streams a finished job as tsv; each stream on a freshly started server, so that both
start from the same baseline. "Flat" is read as: the larger stream's peak within 10% of the
smaller one's.

{_table(["pairs streamed", "time", "RSS before", "peak RSS", "growth"], rows)}{extra}"""


def _entries(res: Results) -> str:
    if res.get("entries"):
        return entries_section(res["entries"])
    if "entries" in res.get("errors", {}):
        return _not_measured("## 6. Entry files", res, "entries")
    return ""


def _growth_rows(res: Results) -> list[tuple[str, float, float, float, float]]:
    """Per list mapped on both releases: name, small s, big s, ratio, DuckDB's ratio."""
    rows = []
    for fig in res.get("map", {}).get("small", {}).values():
        big = _map_figure(res, "big", fig["key"], fig["n"])
        if not fig["seconds"] or big is None:
            continue
        small_s, big_s = median(fig["seconds"]), median(big["seconds"])
        duck = _ratio(_join(res, "big", big, "duckdb"), _join(res, "small", fig, "duckdb"))
        name = f"{fig['n']:,} {fig['from']} ({fig['pairs']:,} / {big['pairs']:,} pairs)"
        rows.append((name, small_s, big_s, _ratio(big_s, small_s), duck))
    return rows


def _growth(res: Results) -> str:
    small, big = _load_medians(res, "small"), _load_medians(res, "big")
    rels = res["releases"]
    if not small or not big:
        return _not_measured("## 5. Growth with the release", res, "load-small")
    rows = [["load", _s(small["project"]), _s(big["project"]),
             f"**{_x(_ratio(big['project'], small['project']))}**",
             _x(_ratio(big.get("duckdb", float("nan")), small.get("duckdb", float("nan"))))]]
    for name, small_s, big_s, ratio, duck in _growth_rows(res):
        rows.append([f"map {name}", _s(small_s), _s(big_s), f"**{_x(ratio)}**", _x(duck)])
    return f"""## 5. Growth with the release

The same figures on a release of {rels['small']['accessions']:,} and one of
{rels['big']['accessions']:,} accessions (each list drawn from its own release, as large as
the smaller release allows). A load should grow about 10×; a mapping of the same number of
ids should barely grow.

{_table(["figure", f"{rels['small']['accessions']:,} accessions",
         f"{rels['big']['accessions']:,} accessions", "growth", "DuckDB's growth"], rows)}"""


def _unmeasured(res: Results) -> str:
    items = [f"- `{step}` failed in this run: {message}" for step, message in
             res.get("errors", {}).items()]
    for fig in res.get("map", {}).get("big", {}).values():
        if fig["error"]:
            items.append(f"- mapping {fig['n']:,} {fig['from']} failed: {fig['error']}")
    items += [
        "- Loading `idmapping_selected.tab.gz`, `sec_ac.txt` and the delac files is not timed: "
        "the references have no counterpart, and idmapping.dat is where the time goes.",
        "- The entry end-points (`/idmapping/uniprotkb/results/…`) are not timed: they enrich "
        "pairs from the store, which the references cannot do.",
        "- A million ids only pass with raised limits (the server settings below): with "
        "UniProt's defaults (100,000 ids, 500,000 pairs) the API refuses them, as UniProt does.",
        "- Multi-process serving (`IDMAPPING_WORKERS` > 1) is not measured: on 2 cores shared "
        "with the load generator a second worker measures contention.",
    ]
    if "postgres" not in _load_medians(res, "big"):
        items.append("- The PostgreSQL store's load is not measured in this run "
                     "(`--postgres URL` measures it).")
    skipped = [_TOOL_NAMES[t] for t in _TOOL_NAMES if t not in _tools(res)]
    if skipped:
        items.append(f"- References left out of this run: {', '.join(skipped)} (`--references`; "
                     "at 10M accessions pandas needs more memory than the machine has).")
    return "## Not measured (yet)\n\n" + "\n".join(items)


def _method(res: Results) -> str:
    env = ", ".join(f"`{k}={v}`" for k, v in res.get("server_env", {}).items())
    return f"""## How each figure is taken

- Each repeat runs idmapping and every reference one after another (interleaved), so a busy
  moment of the machine slows them alike; the tables show medians.
- Loads run in child processes timed from start to exit (Python start-up included for
  idmapping, about 0.3 s); references time their own steps, after their imports.
- References: DuckDB `read_csv` (tab, no header, no quoting) into a table in a fresh database
  file (`memory_limit` {DUCKDB_MEMORY}), then `CREATE INDEX … (type, value)`; pandas
  `read_csv(engine="pyarrow")`, then `merge` of the ids with the rows of the id's type; plain
  SQLite: `executemany` of the split lines into one table (journal off), one index on (type,
  value), then a join with the ids in a temporary table. Accessions are joined on the first
  column instead.
- The server runs as `idmapping serve --no-demo` on a free loopback port with {env}, and is
  stopped when its figure ends, whether it succeeded or not.
- Raw results: `bench/out/results-*.json`; `python -m bench report FILE` writes this page
  again from them."""

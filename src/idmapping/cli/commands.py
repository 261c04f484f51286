"""The ``idmapping`` command line: a thin shell over the library.

Every command names its store with ``--store PATH|URL`` or ``IDMAPPING_STORE``.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import click
import orjson

from idmapping.cli.options import (
    domain_errors,
    first_line,
    setting_option,
    storage_errors,
    store_option,
)
from idmapping.errors import StoreUnavailable
from idmapping.jobs.dispatch import InlineDispatcher
from idmapping.jobs.service import JobService
from idmapping.model import MappingRequest
from idmapping.offline import FORMATS
from idmapping.settings import SETTINGS, Settings
from idmapping.store import Store, Subset, open_store
from idmapping.version import __version__


def _settings(**overrides: Any) -> Settings:
    return Settings.load(**overrides)


def _open(store: str | None) -> Store:
    return open_store(_settings(store=store).store_url)


@contextlib.contextmanager
def _jobs(store: str | None) -> Iterator[JobService]:
    """The job service of a store, for commands that read and delete jobs (they run none)."""
    settings = _settings(store=store)
    with open_store(settings.store_url) as opened, \
            JobService(opened, settings, InlineDispatcher()) as service:
        yield service


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="idmapping")
def cli() -> None:
    """A self-hosted, UniProt-compatible ID mapping service and toolkit.

    Load UniProt's release files, map ids offline, or serve UniProt's ID mapping API.
    """


@cli.command()
@store_option
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--release", "release_name", metavar="NAME",
              help="Release name [default: as the files state it, else today's date]")
@click.option("--taxon", "taxa", multiple=True, type=int, metavar="ID",
              help="Keep only entries of this NCBI taxon (repeatable)")
@click.option("--reviewed-only", is_flag=True, help="Keep only reviewed (Swiss-Prot) entries")
@click.option("--keep-current", is_flag=True,
              help="Add the release beside the one being served, which stays current")
@click.option("--add", is_flag=True,
              help="Build the new release from the current one plus FILES (a second "
              "organism): its rows are copied in the store, its files not read again")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar")
@setting_option("load_memory_mb", metavar="MIB")
@setting_option("load_workers", metavar="N")
@domain_errors
def load(store: str | None, files: tuple[str, ...], release_name: str | None,
         taxa: tuple[int, ...], reviewed_only: bool, keep_current: bool, add: bool,
         quiet: bool, load_memory_mb: int | None, load_workers: int | None) -> None:
    """Load UniProt release FILES as a new release, switched in when complete.

    A folder stands for the release files in it ('idmapping download'); its other files
    (unfinished downloads, README, RELEASE.metalink) are skipped with a note. Earlier
    releases stay in the store until dropped ('idmapping releases').

    Reads idmapping.dat, idmapping_selected.tab, sec_ac.txt, delac_sp.txt, delac_tr.txt,
    reldate.txt, the entry files (uniprot_sprot.dat, uniprot_trembl.dat, UniProtKB XML,
    UniRef and UniParc XML), the isoform sequences (uniprot_sprot_varsplic.fasta) and NCBI's
    taxonomy (taxdump's nodes.dmp, names.dmp, merged.dmp and delnodes.dmp), gzip-compressed
    or not, recognised by their content. The release being served stays
    untouched until the new one is complete.

    With --add, the new release is the current one plus FILES (another organism's
    idmapping.dat, say): the current release's rows are copied inside the store, so its
    files need not be at hand; it is named as FILES state, else as the current release.
    """
    _load(store, files, release_name, Subset(tuple(taxa), reviewed_only), keep_current, quiet,
          load_memory_mb, add, load_workers)


def _load(store: str | None, paths: tuple[str, ...], release_name: str | None, subset: Subset,
          keep_current: bool, quiet: bool, load_memory_mb: int | None = None,
          add: bool = False, load_workers: int | None = None) -> None:
    """Load the release files (or folders of them) of *paths*: 'load' and 'get'."""
    from idmapping.cli.progress import load_progress
    from idmapping.loader import load_release, release_paths

    files, notes = release_paths(paths)
    for note in notes:
        click.echo(note, err=True)
    settings = _settings(store=store, load_memory_mb=load_memory_mb,
                         load_workers=load_workers)
    with open_store(settings.store_url) as opened:
        started = time.perf_counter()
        try:
            with load_progress(quiet) as progress:
                release = load_release(files, opened, name=release_name,
                                       subset=subset, progress=progress,
                                       current=not keep_current,
                                       memory_mb=settings.load_memory_mb, add=add,
                                       workers=settings.load_workers)
        except storage_errors() + (StoreUnavailable,) as exc:
            raise click.ClickException(
                f"The load stopped: the store cannot be written "
                f"({first_line(exc.__cause__ or exc)}). The "
                "release being served is unchanged; free space (or make the store writable) "
                "and run the load again.") from None
        seconds = time.perf_counter() - started
        rows = int(release.stats.get("rows", 0))
        click.echo(f"Loaded release {release.name}: {release.stats.get('entries', 0):,} "
                   f"entries, {rows:,} rows in {seconds:.1f} s "
                   f"({rows / max(seconds, 1e-9):,.0f} rows/s)"
                   + ("" if release.current else "; the current release is unchanged"),
                   err=True)


def _download_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options that say what to fetch, shared by 'download' and 'get'."""
    from idmapping.download import ENTRY_SETS

    for option in reversed((
        click.option("--organism", "organisms", multiple=True, metavar="NAME",
                     help="An organism's idmapping.dat, by UniProt's name: HUMAN_9606, "
                          "MOUSE_10090 (repeatable; see --list-organisms)"),
        click.option("--whole", is_flag=True,
                     help="The idmapping.dat of all of UniProtKB (tens of GB)"),
        click.option("--file", "files", multiple=True, metavar="NAME",
                     help="Another file, by name (idmapping_selected.tab.gz, uniref90.xml.gz) "
                          "or by its path under the base URL (repeatable)"),
        click.option("--entries", type=click.Choice(tuple(ENTRY_SETS)), default="none",
                     show_default=True,
                     help="Entry files: swissprot (uniprot_sprot.dat.gz and its isoforms) or "
                          "trembl (those and uniprot_trembl.dat.gz)"),
        setting_option("download_url", metavar="URL"),
        setting_option("download_timeout", metavar="SECONDS"),
    )):
        fn = option(fn)
    return fn


def _fetch(directory: Path, settings: Settings, organisms: tuple[str, ...], whole: bool,
           files: tuple[str, ...], entries: str, quiet: bool) -> list[Path]:
    """Download what the options ask into *directory*; return the files' paths."""
    from idmapping.cli.progress import download_progress
    from idmapping.download import DownloadRequest, download_release

    if not (organisms or whole or files or entries != "none"):
        raise click.UsageError("Choose what to fetch: --organism NAME, --whole, --file NAME "
                               "or --entries")
    request = DownloadRequest(organisms, whole, files, entries)
    started = time.perf_counter()
    with download_progress(quiet) as progress:
        fetched = download_release(directory, request, settings, progress)
    new = [f for f in fetched if not f.skipped]
    click.echo(f"{len(fetched)} files in {directory}: {len(new)} fetched "
               f"({sum(f.size for f in new):,} bytes in {time.perf_counter() - started:.1f} s), "
               f"{len(fetched) - len(new)} already complete", err=True)
    return [f.path for f in fetched]


@cli.command()
@click.argument("directory", required=False,
                type=click.Path(file_okay=False, path_type=Path))
@_download_options
@click.option("--list-organisms", "list_only", is_flag=True,
              help="List the organisms that have their own idmapping.dat, and stop")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars")
@domain_errors
def download(directory: Path | None, organisms: tuple[str, ...], whole: bool,
             files: tuple[str, ...], entries: str, download_url: str | None,
             download_timeout: float | None, list_only: bool, quiet: bool) -> None:
    """Fetch UniProt's release files into DIRECTORY, for 'idmapping load DIRECTORY'.

    Always fetches reldate.txt, sec_ac.txt, delac_sp.txt and delac_tr.txt.gz, with the files
    the options name. An interrupted download resumes where it stopped; files already
    complete are kept; each file is checked against its size and the MD5 its folder's
    RELEASE.metalink lists.
    """
    from idmapping.download import list_organisms

    settings = _settings(download_url=download_url, download_timeout=download_timeout)
    if list_only:
        for organism in list_organisms(settings):
            click.echo(organism)
        return
    if directory is None:
        raise click.UsageError("Missing argument 'DIRECTORY'.")
    _fetch(directory, settings, organisms, whole, files, entries, quiet)
    click.echo(f"Next: idmapping load {directory}", err=True)


@cli.command()
@store_option
@_download_options
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the files [default: downloads in the user's data directory]")
@click.option("--keep-current", is_flag=True,
              help="Add the release beside the one being served, which stays current")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars")
@setting_option("load_memory_mb", metavar="MIB")
@setting_option("load_workers", metavar="N")
@domain_errors
def get(store: str | None, organisms: tuple[str, ...], whole: bool, files: tuple[str, ...],
        entries: str, download_url: str | None, download_timeout: float | None,
        directory: Path | None, keep_current: bool, quiet: bool,
        load_memory_mb: int | None, load_workers: int | None) -> None:
    """Download release files (as 'idmapping download') and load them (as 'idmapping load').

    Only the files this command fetched are loaded, not others in the folder.
    """
    from idmapping.download import default_download_dir

    settings = _settings(store=store, download_url=download_url,
                         download_timeout=download_timeout)
    folder = directory or default_download_dir()
    paths = _fetch(folder, settings, organisms, whole, files, entries, quiet)
    _load(store, tuple(str(p) for p in paths), None, Subset(), keep_current, quiet,
          load_memory_mb, load_workers=load_workers)


@cli.group()
def releases() -> None:
    """List the store's releases, choose the one served, drop old ones.

    A release is named by its name (2026_01) or, where names repeat, by its id (#3).
    """


@releases.command(name="list")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON")
@domain_errors
def releases_list(store: str | None, as_json: bool) -> None:
    """List the ready releases, oldest first, with their sizes on disk."""
    import dataclasses

    from idmapping.cli.progress import print_releases
    from idmapping.releases import list_releases

    with _open(store) as opened:
        rows = list_releases(opened)
    if as_json:
        click.echo(orjson.dumps([dataclasses.asdict(r) for r in rows],
                                option=orjson.OPT_INDENT_2).decode())
    else:
        print_releases(rows)


@releases.command(name="current")
@store_option
@click.argument("name")
@domain_errors
def releases_current(store: str | None, name: str) -> None:
    """Serve release NAME from now on (running servers switch at once)."""
    from idmapping.releases import make_current

    with _open(store) as opened:
        release = make_current(opened, name)
    click.echo(f"Release {release.name} (#{release.id}) is now current", err=True)


@releases.command(name="drop")
@store_option
@click.argument("name")
@domain_errors
def releases_drop(store: str | None, name: str) -> None:
    """Delete release NAME and its data (not the current one)."""
    from idmapping.releases import drop_release

    with _open(store) as opened:
        release = drop_release(opened, name)
    click.echo(f"Dropped release {release.name} (#{release.id})", err=True)


@cli.command(name="map")
@store_option
@click.option("--from", "from_db", required=True, metavar="DB",
              help="Database of the input ids (e.g. UniProtKB_AC-ID, Gene_Name, Ensembl)")
@click.option("--to", "to_db", required=True, metavar="DB",
              help="Database to map to (e.g. UniProtKB, GeneID)")
@click.option("--tax-id", default="", metavar="N", help="Only entries of this NCBI taxon")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="tsv",
              show_default=True, help="Output format")
@click.option("--failed", "failed_file", type=click.File("w"), default=None,
              help="Also write the ids that mapped to nothing to this file")
@click.option("--explain", is_flag=True,
              help="After the mapping, write why each id that mapped to nothing did not map "
              "to stderr: Id<TAB>Reason<TAB>Message rows")
@click.argument("input_file", metavar="[FILE|-]", type=click.File("rb"), default="-")
@domain_errors
def map_command(store: str | None, from_db: str, to_db: str, tax_id: str, fmt: str,
                failed_file: TextIO | None, explain: bool, input_file: BinaryIO) -> None:
    """Map ids read from FILE (or stdin), separated by whitespace or commas.

    tsv prints From<TAB>To rows under that header; json prints
    {"results":[{"from","to"}...],"failedIds":[...]}; list prints one target per line.
    With --explain the reasons of the ids not mapped follow on stderr, so that stdout
    stays the results alone.
    """
    from idmapping.ids import decode_ids
    from idmapping.offline import map_to

    settings = _settings(store=store)
    ids = decode_ids(input_file.read(), settings.max_id_length)
    with open_store(settings.store_url) as opened:
        request = MappingRequest(from_db, to_db, tuple(ids), tax_id)
        run = map_to(sys.stdout.buffer, opened, request, fmt, settings.taxonomy_descendants)
        if explain and run.failed_ids:
            from idmapping.explain import EXPLAIN_COLUMNS, explain_ids

            _, explained = explain_ids(opened, request, run.failed_ids,
                                       descendants=settings.taxonomy_descendants)
            click.echo("\t".join(EXPLAIN_COLUMNS), err=True)
            for item in explained:
                for reason in item.reasons:
                    click.echo(f"{item.id}\t{reason.kind}\t{reason.message}", err=True)
    if failed_file is not None:
        failed_file.write("".join(f"{i}\n" for i in run.failed_ids))
    click.echo(f"{run.count:,} results; {len(run.failed_ids):,} ids not mapped "
               f"(release {run.release})", err=True)


@cli.command()
@store_option
@click.option("--input", "-i", "input_file", metavar="FILE|-", type=click.File("rb"),
              default=None, help="Read ids from this file ('-': stdin) [default: stdin when "
              "no IDS are given]")
@click.option("--format", "fmt", type=click.Choice(("tsv", "json")), default="tsv",
              show_default=True, help="Output format")
@click.argument("ids", nargs=-1)
@domain_errors
def detect(store: str | None, input_file: BinaryIO | None, fmt: str, ids: tuple[str, ...]
           ) -> None:
    """Say which databases of the current release hold each id, and the best --from.

    IDS are given as arguments, read from --input, or from stdin. tsv prints one
    Id<TAB>Database<TAB>Entries<TAB>Reviewed<TAB>Taxa row per id and database (an id held
    nowhere: one row with an empty database); json prints what POST /idmapping/detect
    answers. The best database and why are written to stderr.
    """
    from idmapping.detect import DETECT_COLUMNS, detect_ids
    from idmapping.ids import decode_ids, split_text_ids

    settings = _settings(store=store)
    given = split_text_ids(" ".join(ids))
    if input_file is not None or not given:
        source: BinaryIO = (input_file if input_file is not None
                            else sys.stdin.buffer)
        given += decode_ids(source.read(), settings.max_id_length)
    if not given:
        raise click.UsageError("No ids given: pass IDS, --input FILE, or ids on stdin")
    with open_store(settings.store_url) as opened:
        found = detect_ids(opened, given)
    if fmt == "json":
        click.echo(orjson.dumps(found.to_dict()).decode())
    else:
        for row in (DETECT_COLUMNS, *found.rows()):
            click.echo("\t".join(row))
    best = found.best
    click.echo(f"Best --from: {best.database} ({found.reason()})" if best is not None
               else found.reason(), err=True)


@cli.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON")
@domain_errors
def info(store: str | None, as_json: bool) -> None:
    """Show the store's releases, rows per database and sizes on disk."""
    from idmapping.cli.progress import print_info
    from idmapping.report import store_report

    with _open(store) as opened:
        report = store_report(opened)
    if as_json:
        click.echo(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        print_info(report)


@cli.group()
def jobs() -> None:
    """List or purge stored mapping jobs."""


@jobs.command(name="list")
@store_option
@domain_errors
def jobs_list(store: str | None) -> None:
    """List jobs, newest first: id, status, from, to, results, failed, last submitted."""
    with _jobs(store) as service:
        for job in service.list_jobs():
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(job.updated))
            click.echo(f"{job.id}\t{job.status.value}\t{job.from_db}\t{job.to_db}\t"
                       f"{job.result_count}\t{len(job.failed_ids)}\t{when}")


@jobs.command(name="purge")
@store_option
@click.option("--all", "purge_all", is_flag=True, help="Delete every job, expired or not")
@domain_errors
def jobs_purge(store: str | None, purge_all: bool) -> None:
    """Delete expired jobs (older than job_ttl_days), or all with --all."""
    with _jobs(store) as service:
        count = service.purge(everything=purge_all)
    click.echo(f"Deleted {count} jobs", err=True)


@cli.command()
@store_option
@setting_option("host", metavar="ADDRESS")
@setting_option("port", metavar="PORT")
@setting_option("workers", metavar="N")
@setting_option("demo")
@domain_errors
def serve(store: str | None, host: str | None, port: int | None, workers: int | None,
          demo: bool | None) -> None:
    """Serve UniProt's ID mapping API (and the web page) on this store."""
    from idmapping import server

    settings = _settings(store=store, host=host, port=port, workers=workers, demo=demo)
    prepared = server.prepare_store(settings)
    if prepared.demo_loaded:
        assert prepared.release is not None
        click.echo(DEMO_LOADED.format(prepared.release.name), err=True)
    elif prepared.release is None:
        click.echo("The store is empty: load a release with 'idmapping load FILE...'", err=True)
    click.echo(f"Serving on http://{settings.host}:{settings.port}/ "
               f"(store {settings.store_url})", err=True)
    server.serve(settings)


DEMO_LOADED = (
    "The store was empty: loaded the demo release {} shipped with idmapping "
    "(generated data, not UniProt's).\n"
    "To serve real data, fetch and load UniProt's files: 'idmapping get --organism "
    "HUMAN_9606' (or 'idmapping download DIR', then 'idmapping load DIR').")


@cli.command()
@store_option
@setting_option("broker_url", metavar="URL")
@click.option("--concurrency", default=2, show_default=True, help="Jobs run at once")
@click.option("--loglevel", default="info", show_default=True, help="Celery log level")
@domain_errors
def worker(store: str | None, broker_url: str | None, concurrency: int, loglevel: str) -> None:
    """Run a scale-out worker: takes mapping jobs from the broker and runs them.

    API processes started with the same broker_url and store enqueue their larger jobs; any
    number of workers, on any machine that reaches the store and the broker, run them.
    """
    from idmapping.jobs.celeryapp import run_worker

    run_worker(_settings(store=store, broker_url=broker_url), concurrency, loglevel)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--accessions", default=3000, show_default=True, help="Entries to generate")
@click.option("--seed", default=1, show_default=True, help="Random seed")
@click.option("--entry-files/--no-entry-files", default=True, show_default=True,
              help="Also write the entry files (flat files, UniRef and UniParc XML: two thirds "
                   "of the time); without them, the mapping files alone")
@domain_errors
def demo(directory: Path, accessions: int, seed: int, entry_files: bool) -> None:
    """Generate a release in UniProt's file formats into DIRECTORY (for demos and benchmarks)."""
    from idmapping.demo.generator import generate

    started = time.perf_counter()
    files = generate(directory, accessions=accessions, seed=seed, entry_files=entry_files)
    click.echo(f"Wrote {len(files)} files to {directory} in "
               f"{time.perf_counter() - started:.1f} s", err=True)


@cli.command(name="settings")
def settings_command() -> None:
    """List every setting: its environment variable, default and meaning (tab-separated)."""
    for setting in SETTINGS:
        click.echo(f"{setting.env}\t{setting.default_text}\t{setting.help}")


def main() -> None:  # pragma: no cover - console entry for python -m
    cli(prog_name="idmapping")


if __name__ == "__main__":  # pragma: no cover
    main()

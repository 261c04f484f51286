"""idmapping download / get, and load FOLDER, against a local server in UniProt's layout.

The server (a ``ThreadingHTTPServer`` on 127.0.0.1, written here) serves small generated files
under ``current_release/knowledgebase/`` as UniProt lays them out, with a ``RELEASE.metalink``
per folder and an HTML index page for ``by_organism/``. It answers ``Range`` requests with 206,
and can be told to cut a file half-way once, to ignore ``Range``, or to be slow.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from idmapping.cli.commands import cli
from idmapping.download import DownloadRequest, download_release, list_organisms
from idmapping.download.layout import BY_ORGANISM, COMPLETE, DOCS, parse_metalink
from idmapping.errors import DownloadError
from idmapping.settings import Settings

KB = "current_release/knowledgebase"
PREFIX = "pub/databases/uniprot"

# Two organisms, each with a few mappings; gzip's header carries no time (mtime=0), so the
# bytes are the same at every run.
ORGANISMS = {
    "HUMAN_9606": [("P04637", "P53_HUMAN", "7157", "TP53"), ("P38398", "BRCA1_HUMAN", "672",
                                                             "BRCA1")],
    "MOUSE_10090": [("P02340", "P53_MOUSE", "22059", "Trp53")],
}


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


def _idmapping(rows: list[tuple[str, str, str, str]], taxon: str) -> bytes:
    lines = []
    for acc, name, gene_id, gene in rows:
        lines += [f"{acc}\tUniProtKB-ID\t{name}", f"{acc}\tGeneID\t{gene_id}",
                  f"{acc}\tGene_Name\t{gene}", f"{acc}\tNCBI_TaxID\t{taxon}"]
    # enough rows that half the file is a real cut, not a header
    first = {"9606": "B", "10090": "C"}.get(taxon, "D")
    lines += [f"{first}{n // 100}Z{n % 100:02d}{n % 10}\tNCBI_TaxID\t{taxon}"
              for n in range(400)]
    return _gz("\n".join(lines) + "\n")


def _header(title: str, name: str) -> str:
    """A UniProt docs file header (as tests/conftest.py writes them)."""
    return (f"----------------------------------------------------------------------------\n"
            f"        UniProt - Swiss-Prot Protein Knowledgebase\n"
            f"        SIB Swiss Institute of Bioinformatics; Geneva, Switzerland\n"
            f"        European Bioinformatics Institute (EBI); Hinxton, United Kingdom\n"
            f"        Protein Information Resource (PIR); Washington DC, USA\n"
            f"----------------------------------------------------------------------------\n\n"
            f"Description: {title}\nName:        {name}\nRelease:     2026_01 of 28-Jan-2026\n"
            f"\n----------------------------------------------------------------------------\n\n")


def _metalink(files: dict[str, bytes], wrong: str = "") -> bytes:
    """A Metalink 3 file as UniProt writes it, listing *files*; *wrong* gets a bad MD5."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<metalink version="3.0" '
             'xmlns="http://www.metalinker.org/">\n<files>']
    for name, data in files.items():
        md5 = "0" * 32 if name == wrong else hashlib.md5(data).hexdigest()
        parts.append(f'<file name="{name}"><size>{len(data)}</size><verification>'
                     f'<hash type="md5">{md5}</hash></verification><resources>'
                     f'<url type="https" location="ch">https://example.org/{name}</url>'
                     '</resources></file>')
    parts.append("</files>\n</metalink>\n")
    return "\n".join(parts).encode()


def release_tree() -> dict[str, bytes]:
    """Every file the server serves, by path."""
    organism_files = {f"{o}_idmapping.dat.gz": _idmapping(rows, o.split("_")[1])
                      for o, rows in ORGANISMS.items()}
    # an organism whose file the metalink gives a wrong checksum
    organism_files["YEAST_559292_idmapping.dat.gz"] = _idmapping(
        [("P00330", "ADH1_YEAST", "854068", "ADH1")], "559292")
    complete = {"reldate.txt": b"UniProt Knowledgebase Release 2026_01 consists of:\n"
                               b"UniProtKB/Swiss-Prot Release 2026_01 of 28-Jan-2026\n"
                               b"UniProtKB/TrEMBL Release 2026_01 of 28-Jan-2026\n"}
    docs = {
        "sec_ac.txt": (_header("Secondary accession numbers: index", "SEC_AC.TXT")
                       + "Secondary AC                  Primary AC\n"
                       "____________                  __________\n"
                       "Q15086                        P04637\n").encode(),
        "delac_sp.txt": (_header("Accession numbers deleted from UniProtKB/Swiss-Prot",
                                 "delac_sp.txt")
                         + "Accession number\n________________\nA0AV18\n").encode(),
        "delac_tr.txt.gz": _gz(_header("Accession numbers deleted from UniProtKB/TrEMBL",
                                       "delac_tr.txt")
                               + "Accession number\n________________\nA0A0A0MQ33\n"),
    }
    index = "".join(f'<a href="{n}">{n}</a>  28-Jan-2026 10:00  {len(d)}\n'
                    for n, d in organism_files.items())
    tree = {f"{BY_ORGANISM}/{n}": d for n, d in organism_files.items()}
    tree[f"{BY_ORGANISM}/"] = (f"<html><head><title>Index of /{BY_ORGANISM}</title></head>"
                               f"<body><h1>Index</h1><pre><a href=\"../\">Parent</a>\n{index}"
                               "<a href=\"README\">README</a></pre></body></html>").encode()
    tree[f"{BY_ORGANISM}/RELEASE.metalink"] = _metalink(
        organism_files, wrong="YEAST_559292_idmapping.dat.gz")
    tree.update({f"{COMPLETE}/{n}": d for n, d in complete.items()})
    tree[f"{COMPLETE}/RELEASE.metalink"] = _metalink(complete)
    tree.update({f"{DOCS}/{n}": d for n, d in docs.items()})
    tree[f"{KB}/idmapping/README"] = b"IDMAPPING\n"
    return tree


@dataclass
class Behaviour:
    """What the server does, and what it saw."""

    cut_once: set[str] = field(default_factory=set)
    ignore_range: set[str] = field(default_factory=set)
    slow: dict[str, float] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    tree: dict[str, bytes]
    behaviour: Behaviour
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        path = self.path.split("?", 1)[0].lstrip("/").removeprefix(PREFIX + "/")
        wanted = self.headers.get("Range")
        self.behaviour.requests.append((self.command, path, wanted))
        if path in self.behaviour.slow:
            time.sleep(self.behaviour.slow[path])
        data = self.tree.get(path)
        if data is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start = 0
        if wanted and path not in self.behaviour.ignore_range:
            start = int(wanted.removeprefix("bytes=").split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if not body:
            return
        if path in self.behaviour.cut_once:
            self.behaviour.cut_once.discard(path)
            self.wfile.write(data[start:start + (len(data) - start) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data[start:])


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout test) is not an error of the server


@dataclass
class Mirror:
    url: str
    tree: dict[str, bytes]
    behaviour: Behaviour

    def settings(self, **changes: object) -> Settings:
        values = {"download_url": self.url, "download_timeout": 5.0, "download_retries": 0}
        values.update(changes)
        return Settings.load(environ={}, **values)


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    tree = release_tree()
    behaviour = Behaviour()
    handler = type("Handler", (_Handler,), {"tree": tree, "behaviour": behaviour})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Mirror(f"http://127.0.0.1:{server.server_address[1]}/{PREFIX}", tree, behaviour)
    finally:
        server.shutdown()
        server.server_close()


def _run(*args: str) -> tuple[int, str]:
    # no retries: the failures are told at once (the library tests cover retrying)
    result = CliRunner(env={"IDMAPPING_DOWNLOAD_RETRIES": "0"}).invoke(
        cli, list(args), prog_name="idmapping")
    return result.exit_code, result.output


def test_organism_download_fetches_the_files_in_their_layout(mirror: Mirror,
                                                             tmp_path: Path) -> None:
    fetched = download_release(tmp_path, DownloadRequest(organisms=("HUMAN_9606",)),
                               mirror.settings())
    names = sorted(f.name for f in fetched)
    assert names == sorted(["HUMAN_9606_idmapping.dat.gz", "reldate.txt", "sec_ac.txt",
                            "delac_sp.txt", "delac_tr.txt.gz"])
    for f in fetched:
        assert f.path.read_bytes() == mirror.tree[next(p for p in mirror.tree
                                                       if p.endswith("/" + f.name))]
    # the metalink's MD5 was checked where it lists the file
    human = next(f for f in fetched if f.name.startswith("HUMAN"))
    assert human.md5 == hashlib.md5(human.path.read_bytes()).hexdigest()
    assert not list(tmp_path.glob("*.part"))
    # a second run fetches nothing again
    again = download_release(tmp_path, DownloadRequest(organisms=("HUMAN_9606",)),
                             mirror.settings())
    assert all(f.skipped for f in again)
    gets = [p for m, p, _ in mirror.behaviour.requests if m == "GET" and p.endswith(".gz")]
    assert gets.count(f"{BY_ORGANISM}/HUMAN_9606_idmapping.dat.gz") == 1


def test_list_organisms_reads_the_index_page(mirror: Mirror) -> None:
    assert list_organisms(mirror.settings()) == ["HUMAN_9606", "MOUSE_10090", "YEAST_559292"]
    code, output = _run("download", "--list-organisms", "--download-url", mirror.url)
    assert code == 0, output
    assert output.split() == ["HUMAN_9606", "MOUSE_10090", "YEAST_559292"]


def test_an_interrupted_download_resumes_with_range(mirror: Mirror, tmp_path: Path) -> None:
    path = f"{BY_ORGANISM}/MOUSE_10090_idmapping.dat.gz"
    mirror.behaviour.cut_once.add(path)
    with pytest.raises(DownloadError, match="stopped.*run the command again to resume"):
        download_release(tmp_path, DownloadRequest(organisms=("MOUSE_10090",)),
                         mirror.settings())
    part = tmp_path / "MOUSE_10090_idmapping.dat.gz.part"
    whole = mirror.tree[path]
    assert part.read_bytes() == whole[:len(whole) // 2]
    assert not (tmp_path / "MOUSE_10090_idmapping.dat.gz").exists()
    fetched = download_release(tmp_path, DownloadRequest(organisms=("MOUSE_10090",)),
                               mirror.settings())
    mouse = next(f for f in fetched if f.name.startswith("MOUSE"))
    assert mouse.resumed_from == len(whole) // 2
    assert (tmp_path / "MOUSE_10090_idmapping.dat.gz").read_bytes() == whole
    assert ("GET", path, f"bytes={len(whole) // 2}-") in mirror.behaviour.requests
    assert not part.exists()


def test_a_retry_in_the_same_run_resumes(mirror: Mirror, tmp_path: Path) -> None:
    path = f"{BY_ORGANISM}/HUMAN_9606_idmapping.dat.gz"
    mirror.behaviour.cut_once.add(path)
    download_release(tmp_path, DownloadRequest(organisms=("HUMAN_9606",)),
                     mirror.settings(download_retries=1), backoff=0)
    whole = mirror.tree[path]
    assert (tmp_path / "HUMAN_9606_idmapping.dat.gz").read_bytes() == whole
    assert ("GET", path, f"bytes={len(whole) // 2}-") in mirror.behaviour.requests


def test_a_server_that_ignores_range_restarts_cleanly(mirror: Mirror, tmp_path: Path) -> None:
    path = f"{BY_ORGANISM}/HUMAN_9606_idmapping.dat.gz"
    whole = mirror.tree[path]
    (tmp_path / "HUMAN_9606_idmapping.dat.gz.part").write_bytes(whole[:100])
    mirror.behaviour.ignore_range.add(path)
    fetched = download_release(tmp_path, DownloadRequest(organisms=("HUMAN_9606",)),
                               mirror.settings())
    assert ("GET", path, "bytes=100-") in mirror.behaviour.requests  # asked, got 200
    assert (tmp_path / "HUMAN_9606_idmapping.dat.gz").read_bytes() == whole
    assert next(f for f in fetched if f.name.startswith("HUMAN")).md5 is not None


def test_a_wrong_checksum_fails_and_leaves_no_complete_file(mirror: Mirror,
                                                            tmp_path: Path) -> None:
    data = mirror.tree[f"{BY_ORGANISM}/YEAST_559292_idmapping.dat.gz"]
    code, output = _run("download", str(tmp_path), "--organism", "YEAST_559292", "-q",
                        "--download-url", mirror.url)
    assert code == 1
    assert "YEAST_559292_idmapping.dat.gz: checksum mismatch" in output
    assert "0" * 32 in output and hashlib.md5(data).hexdigest() in output
    assert not (tmp_path / "YEAST_559292_idmapping.dat.gz").exists()
    assert (tmp_path / "YEAST_559292_idmapping.dat.gz.bad").read_bytes() == data


def test_a_missing_file_names_its_url(mirror: Mirror, tmp_path: Path) -> None:
    code, output = _run("download", str(tmp_path), "--organism", "DOG_9615", "-q",
                        "--download-url", mirror.url)
    assert code == 1
    assert f"Not found (HTTP 404): {mirror.url}/{BY_ORGANISM}/DOG_9615_idmapping.dat.gz" \
        in output
    assert "Traceback" not in output


def test_a_slow_server_hits_the_timeout(mirror: Mirror, tmp_path: Path) -> None:
    mirror.behaviour.slow[f"{DOCS}/sec_ac.txt"] = 2.0
    code, output = _run("download", str(tmp_path), "--organism", "HUMAN_9606", "-q",
                        "--download-url", mirror.url, "--download-timeout", "0.3")
    assert code == 1
    assert "sent nothing for 0.3 s (the download_timeout setting)" in output
    assert f"{DOCS}/sec_ac.txt" in output
    assert not (tmp_path / "sec_ac.txt").exists()


def test_an_unreachable_server_is_one_clear_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, output = _run("download", str(tmp_path), "--organism", "HUMAN_9606", "-q",
                        "--download-url", f"http://127.0.0.1:{port}/uniprot")
    assert code == 1
    assert output.startswith("Error: Cannot reach 127.0.0.1") and "network" in output
    assert len(output.strip().splitlines()) == 1


def test_nothing_chosen_is_a_usage_error(tmp_path: Path) -> None:
    code, output = _run("download", str(tmp_path))
    assert code == 2 and "Choose what to fetch" in output


def test_load_a_downloaded_folder_and_map(mirror: Mirror, tmp_path: Path) -> None:
    folder = tmp_path / "uniprot"
    download_release(folder, DownloadRequest(organisms=("HUMAN_9606", "MOUSE_10090")),
                     mirror.settings())
    (folder / "README").write_text("not a release file\n")
    (folder / "RELEASE.metalink").write_bytes(mirror.tree[f"{COMPLETE}/RELEASE.metalink"])
    (folder / "uniprot_sprot.dat.gz.part").write_bytes(b"ID   half an entry")
    store = tmp_path / "store.sqlite"
    code, output = _run("load", "--store", str(store), "-q", str(folder))
    assert code == 0, output
    assert "README: skipped" in output and "uniprot_sprot.dat.gz.part: skipped" in output
    assert "RELEASE.metalink: skipped" in output
    assert "Loaded release 2026_01" in output
    result = CliRunner().invoke(cli, ["map", "--store", str(store), "--from", "GeneID",
                                      "--to", "UniProtKB"], input="7157 22059\n")
    assert result.exit_code == 0, result.output
    assert "7157\tP04637" in result.output and "22059\tP02340" in result.output


def test_get_downloads_then_loads(mirror: Mirror, tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    code, output = _run("get", "--organism", "MOUSE_10090", "--store", str(store),
                        "--dir", str(tmp_path / "files"), "--download-url", mirror.url)
    assert code == 0, output
    assert "Loaded release 2026_01" in output
    assert "MOUSE_10090_idmapping.dat.gz" in output  # its progress bar
    result = CliRunner().invoke(cli, ["map", "--store", str(store), "--from", "Gene_Name",
                                      "--to", "UniProtKB", "--tax-id", "10090"],
                                input="Trp53\n")
    assert result.exit_code == 0, result.output
    assert "Trp53\tP02340" in result.output


@pytest.mark.parametrize(("name", "path"), [
    ("idmapping_selected.tab.gz", f"{KB}/idmapping/idmapping_selected.tab.gz"),
    ("uniref90.xml.gz", "current_release/uniref/uniref90/uniref90.xml.gz"),
    ("MOUSE_10090_idmapping_selected.tab.gz",
     f"{BY_ORGANISM}/MOUSE_10090_idmapping_selected.tab.gz"),
    ("current_release/uniparc/README", "current_release/uniparc/README"),
])
def test_named_files_are_placed_in_uniprots_layout(name: str, path: str) -> None:
    from idmapping.download.layout import named_file

    assert named_file(name).path == path


@pytest.mark.parametrize("request_", [
    DownloadRequest(organisms=("human",)),   # not MNEMONIC_TAXID
    DownloadRequest(files=("nothing.gz",)),  # a bare name this layout does not know
    DownloadRequest(files=("current_release/../etc",)),
])
def test_bad_requests_are_refused_before_any_fetch(request_: DownloadRequest) -> None:
    with pytest.raises(DownloadError):
        request_.files_to_fetch()


def test_metalink_sizes_and_checksums() -> None:
    tree = release_tree()
    listed = parse_metalink(tree[f"{BY_ORGANISM}/RELEASE.metalink"])
    data = tree[f"{BY_ORGANISM}/HUMAN_9606_idmapping.dat.gz"]
    assert listed["HUMAN_9606_idmapping.dat.gz"].size == len(data)
    assert listed["HUMAN_9606_idmapping.dat.gz"].md5 == hashlib.md5(data).hexdigest()
    with pytest.raises(DownloadError, match="RELEASE.metalink cannot be read"):
        parse_metalink(b"<metalink")

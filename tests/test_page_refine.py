"""The job page's facet sidebar, sortable columns, entry links and asynchronous downloads
(issue 15, item 7), in a real browser, compared with what the API answers, on both releases
and both stores.

Every id comes from the release under test; every expected count, row and order is the API's
answer to the same request (``facets=``, ``query=``, ``sort=``), so the page is held to the
API, and the API's own tests hold it to UniProt's.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from conftest import LiveServer, api_settings, start_server
from idmapping.store import Store
from idmapping.web import create_app
from idmapping.web.refine import served_facets
from releases import ReleaseFacts, pages, submit, to_databases

ID_KEYS = {"uniprotkb": "primaryAccession", "uniref": "id", "uniparc": "uniParcId"}


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect
    return playwright_expect(locator)


def api_rows(base: str, dataset: str, job: str, **params: str) -> list[str]:
    """The ``to`` ids of every result the API gives for *params*, in its order."""
    found = []
    for response in pages(f"{base}/idmapping/{dataset}/results/{job}", size="500", **params):
        found += [r["to"][ID_KEYS[dataset]] for r in response.json()["results"]]
    return found


def api_facets(base: str, dataset: str, job: str, query: str = "",
               names: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The API's facets of a job's results (all that the dataset serves, unless *names*)."""
    params = {"facets": ",".join(names or served_facets(dataset)), "size": "0"}
    if query:
        params["query"] = query
    response = httpx.get(f"{base}/idmapping/{dataset}/results/{job}", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return list(response.json().get("facets", []))


def answered_facets(base: str, dataset: str, job: str) -> list[dict[str, Any]]:
    """The facets the API answers for a job, each asked alone: a facet the release cannot count
    (UniParc's organism_name without NCBI's taxonomy) is refused, and the page leaves it out."""
    found = []
    for name in served_facets(dataset):
        response = httpx.get(f"{base}/idmapping/{dataset}/results/{job}",
                             params={"facets": name, "size": "0"}, timeout=30)
        if response.status_code == 400:
            continue
        assert response.status_code == 200, response.text
        found += response.json().get("facets", [])
    return found


def page_facets(page: Any) -> list[dict[str, Any]]:
    """The sidebar's facets, read back in the API's JSON shape (labels as shown)."""
    return list(page.eval_on_selector_all("#facets section.facet", """sections =>
        sections.map(s => ({
          name: s.dataset.facet,
          label: s.querySelector("h3").textContent.trim(),
          values: Array.from(s.querySelectorAll("li a")).map(a => ({
            label: a.querySelector(".facet-label").textContent.trim(),
            value: a.dataset.value,
            count: Number(a.dataset.count),
            shown: a.querySelector(".count").textContent.trim(),
          })),
        }))"""))


def shown(facets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The API's facets as the sidebar shows them (a value without a label shows its value)."""
    return [{"name": f["name"], "label": f["label"],
             "values": [{"label": v.get("label", v["value"]), "value": v["value"],
                         "count": v["count"], "shown": f"{v['count']:,}"} for v in f["values"]]}
            for f in facets]


def row_keys(page: Any) -> list[str]:
    return [str(k) for k in page.locator("#results-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.key)")]


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def narrowing(facets: list[dict[str, Any]], total: int) -> tuple[str, dict[str, Any]]:
    """A facet value that keeps some but not all results (else the first value)."""
    for facet in facets:
        for value in facet["values"]:
            if 0 < value["count"] < total:
                return facet["name"], value
    assert facets and facets[0]["values"], "the release gives no facet value"
    return facets[0]["name"], facets[0]["values"][0]


# ---------------------------------------------------------------------------------------------
# Facets


def test_facets_filter_the_table(page: Any, release: ReleaseFacts, release_url: str) -> None:
    ids = release.accessions()[:100]
    job = submit(release_url, "UniProtKB_AC-ID", "UniProtKB", ids)
    everything = api_rows(release_url, "uniprotkb", job)
    page.goto(f"{release_url}/id-mapping/{job}?size=500")
    facets = api_facets(release_url, "uniprotkb", job)
    assert facets, "every release holds a status or an organism to count"
    assert page_facets(page) == shown(facets)
    assert sorted(row_keys(page)) == sorted(everything)

    name, value = narrowing(facets, len(everything))
    clause = f"{name}:{value['value']}"
    link = page.locator(f"#facet-{name} a[data-value='{value['value']}']")
    link.focus()
    page.keyboard.press("Enter")  # by keyboard, as a link
    page.wait_for_url(re.compile(r"facet="))
    assert query_of(page.url)["facet"] == [clause]
    wanted = api_rows(release_url, "uniprotkb", job, query=clause)
    assert len(wanted) == value["count"]
    assert row_keys(page) == wanted
    expect(page.locator("#query-count")).to_have_text(
        f"{len(wanted):,} of {len(everything):,} results match {clause}.")
    expect(page.locator(f"#facet-{name} a.chosen")).to_have_attribute("data-value",
                                                                       value["value"])
    # the other facets count the rows shown; a facet of several values counts without itself
    others = [n for n in served_facets("uniprotkb") if n != name]
    expected = {f["name"]: f for f in api_facets(release_url, "uniprotkb", job, clause, tuple(
        others))}
    multiple = next(f["allowMultipleSelection"] for f in facets if f["name"] == name)
    expected.update({f["name"]: f for f in (facets if multiple else api_facets(
        release_url, "uniprotkb", job, clause, (name,))) if f["name"] == name})
    order = [n for n in served_facets("uniprotkb") if n in expected]
    assert page_facets(page) == shown([expected[n] for n in order])
    # the download and the basket take the same query
    assert page.input_value("#download-form input[name=query]") == clause

    # the typed query and the facet are joined with AND
    gene = next((g for a in wanted for g in release.values(a, "Gene_Name")
                 if re.fullmatch(r"[A-Za-z0-9]+", g)), None)
    if gene is not None:
        page.fill("#query", f"gene:{gene}")
        page.click("#query-button")
        page.wait_for_url(re.compile(r"query=gene"))
        both = f"(gene:{gene}) AND {clause}"
        assert row_keys(page) == api_rows(release_url, "uniprotkb", job, query=both)
        assert row_keys(page), "the gene's own entry matches"
        expect(page.locator("#query-count")).to_contain_text(both)
        page.click("#query-clear")
        page.wait_for_url(lambda url: "query=" not in url)
        assert query_of(page.url)["facet"] == [clause]

    # the chosen value is listed above the results, and removed from there
    chosen = page.locator("#active-filters a[data-clause]")
    expect(chosen).to_have_count(1)
    assert chosen.get_attribute("aria-label").startswith("Remove the filter ")
    chosen.click()
    page.wait_for_url(lambda url: "facet=" not in url)
    assert sorted(row_keys(page)) == sorted(everything)
    expect(page.locator("#active-filters")).to_have_count(0)

    # a facet the dataset has not is refused with the page's message
    bad = httpx.get(f"{release_url}/id-mapping/{job}", params={"facet": "identity:0.9"},
                    headers={"Accept": "text/html"}, timeout=30)
    assert bad.status_code == 400 and "is not a facet of these results" in bad.text


def test_multiple_values_of_one_facet(page: Any, release: ReleaseFacts,
                                      release_url: str) -> None:
    """Two values of a facet that allows several are joined with OR, and both stay listed."""
    job = submit(release_url, "UniProtKB_AC-ID", "UniProtKB", release.accessions()[:100])
    facets = [f for f in api_facets(release_url, "uniprotkb", job)
              if f["allowMultipleSelection"] and len(f["values"]) >= 2]
    if not facets:  # the foreign release: one organism, nothing else counted
        assert release.kind == "foreign"
        pytest.skip("no facet of this release has two values")
    facet = facets[0]
    first, second = facet["values"][:2]
    page.goto(f"{release_url}/id-mapping/{job}?size=500")
    page.click(f"#facet-{facet['name']} a[data-value='{first['value']}']")
    page.wait_for_url(re.compile(r"facet="))
    page.click(f"#facet-{facet['name']} a[data-value='{second['value']}']")
    page.wait_for_url(lambda url: len(query_of(url).get("facet", [])) == 2)
    either = f"({facet['name']}:{first['value']} OR {facet['name']}:{second['value']})"
    wanted = api_rows(release_url, "uniprotkb", job, query=either)
    assert len(wanted) == first["count"] + second["count"]
    assert sorted(row_keys(page)) == sorted(wanted)
    expect(page.locator(f"#facet-{facet['name']} a.chosen")).to_have_count(2)
    expect(page.locator("#active-filters a[data-clause]")).to_have_count(2)
    page.click("#clear-filters")
    page.wait_for_url(lambda url: "facet=" not in url)
    expect(page.locator(f"#facet-{facet['name']} a.chosen")).to_have_count(0)


def test_uniref_facets(page: Any, release: ReleaseFacts, release_url: str) -> None:
    ids = release.accessions()[:100]
    job = submit(release_url, "UniProtKB_AC-ID", "UniRef50", ids)
    facets = api_facets(release_url, "uniref", job)
    page.goto(f"{release_url}/id-mapping/{job}?size=500")
    expect(page.locator("#facets")).to_be_visible()
    assert page_facets(page) == shown(facets)
    if not facets:  # the release's clusters carry no identity (no UniRef files)
        expect(page.locator("#facets-none")).to_be_visible()
        return
    value = facets[0]["values"][0]
    page.click(f"#facet-{facets[0]['name']} a[data-value='{value['value']}']")
    page.wait_for_url(re.compile(r"facet="))
    wanted = api_rows(release_url, "uniref", job, query=f"identity:{value['value']}")
    assert len(set(wanted)) == value["count"]  # facets count entries; rows are pairs
    assert row_keys(page) == wanted


def test_uniparc_facets_and_sort(page: Any, release: ReleaseFacts, release_url: str) -> None:
    """UniParc results: the sidebar is the API's facets (none while the API serves none)."""
    ids = release.accessions()[:60]
    job = submit(release_url, "UniProtKB_AC-ID", "UniParc", ids)
    page.goto(f"{release_url}/id-mapping/{job}?size=500")
    if not served_facets("uniparc"):
        expect(page.locator("#facets")).to_have_count(0)
    else:
        facets = answered_facets(release_url, "uniparc", job)
        assert page_facets(page) == shown(facets)
        if facets:
            value = facets[0]["values"][0]
            page.click(f"#facet-{facets[0]['name']} a[data-value='{value['value']}']")
            page.wait_for_url(re.compile(r"facet="))
            clause = f"{facets[0]['name']}:{value['value']}"
            assert row_keys(page) == api_rows(release_url, "uniparc", job, query=clause)
            page.goto(f"{release_url}/id-mapping/{job}?size=500")
    sortable = page.eval_on_selector_all("#results-table thead th[data-sort]",
                                         "ths => ths.map(t => t.dataset.sort)")
    assert sortable == ["upi"]
    for direction in ("asc", "desc"):
        header(page, "upi").locator("a").click()
        page.wait_for_url(re.compile(rf"sort=upi%20{direction}"))
        assert row_keys(page) == api_rows(release_url, "uniparc", job, sort=f"upi {direction}")


def test_facets_past_the_cap(release: ReleaseFacts, release_store: Store) -> None:
    """Past IDMAPPING_MAX_FACET_PAIRS the page counts no facets and says so; chosen values
    still filter, as the API's query does."""
    live = start_server(create_app(api_settings(release_store, max_facet_pairs=5),
                                   release_store))
    try:
        job = submit(live.url, "UniProtKB_AC-ID", "UniProtKB", release.accessions()[:20])
        clause = "reviewed:false"
        page = httpx.get(f"{live.url}/id-mapping/{job}", params={"facet": clause, "size": "500"},
                         timeout=30)
        assert page.status_code == 200
        assert 'id="facets-note"' in page.text and "at most 5 results" in page.text
        assert 'class="facet"' not in page.text
        keys = re.findall(r'<tr data-key="([^"]+)"', page.text)
        assert keys == api_rows(live.url, "uniprotkb", job, query=clause)
        assert f'data-clause="{clause}"' in page.text
    finally:
        live.stop()


# ---------------------------------------------------------------------------------------------
# Sorting and entry links


def header(page: Any, sort: str) -> Any:
    return page.locator(f"#results-table thead th[data-sort='{sort}']")


def test_sortable_columns(page: Any, release: ReleaseFacts, release_url: str) -> None:
    job = submit(release_url, "UniProtKB_AC-ID", "UniProtKB", release.accessions()[:100])
    page.goto(f"{release_url}/id-mapping/{job}?size=500")
    sortable = page.eval_on_selector_all("#results-table thead th[data-sort]",
                                         "ths => ths.map(t => t.dataset.sort)")
    assert sortable == ["accession", "id", "gene"]  # of the default columns, as UniProt's
    expect(page.locator("#results-table thead th:not([data-sort]) a")).to_have_count(0)
    expect(page.locator("#results-table thead th[aria-sort]")).to_have_count(0)

    for sort in ("accession", "gene"):
        header(page, sort).locator("a").click()
        page.wait_for_url(re.compile(rf"sort={sort}%20asc"))
        expect(header(page, sort)).to_have_attribute("aria-sort", "ascending")
        assert row_keys(page) == api_rows(release_url, "uniprotkb", job, sort=f"{sort} asc")
        link = header(page, sort).locator("a")
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"sort={sort}%20desc"))
        expect(header(page, sort)).to_have_attribute("aria-sort", "descending")
        descending = api_rows(release_url, "uniprotkb", job, sort=f"{sort} desc")
        assert row_keys(page) == descending
    assert descending != sorted(descending), "the order is the sort's, not the stored one"
    # the sort is kept by pages, facets and downloads
    assert page.input_value("#download-form input[name=sort]") == "gene desc"
    hrefs = page.eval_on_selector_all("#facets a", "links => links.map(a => a.href)")
    assert hrefs and all("sort=gene%20desc" in h for h in hrefs)

    page.goto(f"{release_url}/id-mapping/{job}?size=10&sort=accession%20desc")
    assert row_keys(page) == api_rows(release_url, "uniprotkb", job,
                                      sort="accession desc")[:10]
    page.click("a[rel=next]")
    page.wait_for_url(re.compile(r"cursor="))
    assert row_keys(page) == api_rows(release_url, "uniprotkb", job,
                                      sort="accession desc")[10:20]


def test_uniref_sort_and_links(page: Any, release: ReleaseFacts, release_url: str) -> None:
    job = submit(release_url, "UniProtKB_AC-ID", "UniRef90", release.accessions()[:100])
    page.goto(f"{release_url}/id-mapping/{job}?size=500&fields=id,count,organism,members")
    sortable = page.eval_on_selector_all("#results-table thead th[data-sort]",
                                         "ths => ths.map(t => t.dataset.sort)")
    assert sortable == ["id", "count", "organism_sort"]
    header(page, "count").locator("a").click()
    page.wait_for_url(re.compile(r"sort=count%20asc"))
    assert row_keys(page) == api_rows(release_url, "uniref", job, sort="count asc")
    header(page, "organism_sort").locator("a").click()  # UniProt's name of the sort field
    page.wait_for_url(re.compile(r"sort=organism_sort%20asc"))
    by_organism = api_rows(release_url, "uniref", job, sort="organism_sort asc")
    assert row_keys(page) == by_organism
    assert by_organism == api_rows(release_url, "uniref", job, sort="organism asc")
    pattern = uri_link(release_url, "UniRef90")
    links = page.eval_on_selector_all("#results-table tbody tr", """rows => rows.map(r =>
        [r.dataset.key, r.querySelector("a.entry").getAttribute("href")])""")
    assert links and all(href == pattern.replace("%id", key) for key, href in links)


def uri_link(base: str, name: str) -> str | None:
    """The ``uriLink`` the API's configure fields give database *name*."""
    fields = httpx.get(f"{base}/configure/idmapping/fields", timeout=30).json()
    return next(i["uriLink"] for g in fields["groups"] for i in g["items"] if i["name"] == name)


def test_entry_links(page: Any, release: ReleaseFacts, release_url: str) -> None:
    ids = release.accessions()[:20]
    job = submit(release_url, "UniProtKB_AC-ID", "UniProtKB", ids)
    page.goto(f"{release_url}/id-mapping/{job}")
    pattern = uri_link(release_url, "UniProtKB")
    assert pattern and "%id" in pattern
    links = page.eval_on_selector_all("#results-table tbody tr", """rows => rows.map(r =>
        [r.dataset.key, r.querySelector("a.entry").getAttribute("href"),
         r.querySelector("a.entry").textContent])""")
    assert [k for k, _, _ in links] == row_keys(page) and links
    assert all(href == pattern.replace("%id", key) and text == key for key, href, text in links)
    # without the entry's column there is nothing to link
    page.goto(f"{release_url}/id-mapping/{job}?fields=id,reviewed")
    expect(page.locator("#results-table a.entry")).to_have_count(0)
    # plain pairs: the To id links by its database's uriLink, and not where it has none
    fields = httpx.get(f"{release_url}/configure/idmapping/fields", timeout=30).json()
    links_of = {i["name"]: i["uriLink"] for g in fields["groups"] for i in g["items"]}
    tried = set()
    for database in to_databases(release):
        if database.name not in links_of or database.name.startswith(("UniProtKB", "UniRef",
                                                                      "UniParc")):
            continue
        linked = bool(links_of[database.name])
        held = [a for a in ids if release.values(a, database.dat_type or "")]
        if linked in tried or not held:
            continue
        tried.add(linked)
        plain = submit(release_url, "UniProtKB_AC-ID", database.name, held)
        page.goto(f"{release_url}/id-mapping/{plain}")
        cells = page.eval_on_selector_all("#results-table tbody tr", """rows => rows.map(r =>
            [r.dataset.key, r.querySelector("td a.entry") &&
             r.querySelector("td a.entry").getAttribute("href")])""")
        assert cells
        pattern = links_of[database.name]
        for key, href in cells:
            assert href == (pattern.replace("%id", quote(key, safe="/")) if pattern else None)
    assert True in tried, "the release maps to a database with a uriLink"


# ---------------------------------------------------------------------------------------------
# The asynchronous download


@pytest.fixture
def async_server(release_store: Store, tmp_path: Path) -> Iterator[LiveServer]:
    """A server over the release whose page uses the asynchronous download above 10 results."""
    settings = api_settings(release_store, async_download_above=10,
                            async_download_dir=str(tmp_path / "downloads"))
    live = start_server(create_app(settings, release_store))
    yield live
    live.stop()


def test_async_download(page: Any, release: ReleaseFacts, async_server: LiveServer) -> None:
    base = async_server.url
    ids = release.accessions()[:30]
    job = submit(base, "UniProtKB_AC-ID", "UniProtKB", ids)
    page.goto(f"{base}/id-mapping/{job}")
    expect(page.locator("#async-note")).to_contain_text("More than 10 results")
    page.check("input[name=format][value=tsv]")
    page.check("input[name=compressed]")
    page.click("#download-button")
    expect(page.locator("#async-ready")).to_be_visible(timeout=60_000)
    expect(page.locator("#async-status")).to_have_text("The file is ready.")
    href = page.get_attribute("#async-link", "href")
    assert re.search(r"/idmapping/download/results/[0-9A-Za-z]+$", href)
    with page.expect_download() as waiting:
        page.click("#async-link")
    built = gzip.decompress(Path(waiting.value.path()).read_bytes())
    fields = page.input_value("#download-form input[name=fields]")
    streamed = httpx.get(f"{base}/idmapping/uniprotkb/results/stream/{job}",
                         params={"format": "tsv", "fields": fields}, timeout=60)
    assert streamed.status_code == 200
    assert built == streamed.content and built.count(b"\n") == len(ids) + 1

    # uncompressed, in another format: another download
    page.uncheck("input[name=compressed]")
    page.check("input[name=format][value=list]")
    page.click("#download-button")
    expect(page.locator("#async-ready")).to_be_visible(timeout=60_000)
    assert page.get_attribute("#async-link", "href") != href
    with page.expect_download() as waiting:
        page.click("#async-link")
    listed = Path(waiting.value.path()).read_text().split()
    assert sorted(listed) == sorted(api_rows(base, "uniprotkb", job))

    # xlsx is no format of the asynchronous download: streamed, as below the threshold
    page.check("input[name=format][value=xlsx]")
    with page.expect_download() as waiting:
        page.click("#download-button")
    assert waiting.value.suggested_filename.endswith(".xlsx")

    # a query: the asynchronous download takes none, so the page streams the filtered rows
    clause = "reviewed:false"
    page.goto(f"{base}/id-mapping/{job}?query={clause}")
    matching = api_rows(base, "uniprotkb", job, query=clause)
    if len(matching) > 10:
        expect(page.locator("#async-note")).to_contain_text("this one is streamed")
    assert page.get_attribute("#download-form", "data-async-formats") is None
    page.check("input[name=format][value=list]")
    with page.expect_download() as waiting:
        page.click("#download-button")
    assert sorted(Path(waiting.value.path()).read_text().split()) == sorted(matching)

    # at most the threshold: a stream
    small = submit(base, "UniProtKB_AC-ID", "UniProtKB", ids[:5])
    page.goto(f"{base}/id-mapping/{small}")
    expect(page.locator("#async-note")).to_have_count(0)
    with page.expect_download():
        page.click("#download-button")
    expect(page.locator("#async-download")).to_have_count(0)


def test_async_download_error(page: Any, release: ReleaseFacts, release_store: Store,
                              tmp_path: Path) -> None:
    """A download that fails on the server shows its error on the page."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the downloads' folder should be")
    settings = api_settings(release_store, async_download_above=0,
                            async_download_dir=str(blocked))
    live = start_server(create_app(settings, release_store))
    try:
        job = submit(live.url, "UniProtKB_AC-ID", "UniProtKB", release.accessions()[:3])
        page.goto(f"{live.url}/id-mapping/{job}")
        page.check("input[name=format][value=json]")
        page.click("#download-button")
        error = page.locator("#async-error")
        expect(error).to_be_visible(timeout=60_000)
        expect(error).to_contain_text("The file could not be built")
        expect(page.locator("#async-ready")).to_be_hidden()
        expect(page.locator("#download-button")).to_be_enabled()
    finally:
        live.stop()

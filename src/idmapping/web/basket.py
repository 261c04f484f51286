"""The basket page: the entries chosen on result pages, kept in the browser.

The basket lives in the browser's ``localStorage`` (``web/static/idmapping.js``), across jobs
and page loads; the server keeps nothing of it. This page lists it, and its downloads, its new
mapping job and its alignment go through the API: the basket's accessions are mapped
UniProtKB_AC-ID → UniProtKB (``POST /idmapping/run``) and read from that job's stream URLs,
or aligned (``POST /align/run``).

==============================  ===============================================================
``GET /id-mapping/basket``      the basket: its entries, remove, download (list, FASTA, TSV
                                with chosen columns), a new mapping job, an alignment
==============================  ===============================================================
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from idmapping.align import aligner
from idmapping.catalogue import AC_ID, UNIPROTKB
from idmapping.entries import DATASETS
from idmapping.errors import ToolUnavailable
from idmapping.web.context import context
from idmapping.web.http import get_and_head
from idmapping.web.pages import PAGE_COLUMNS, field_choices, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@get_and_head(router, "/id-mapping/basket")
def basket_page(request: Request) -> Response:
    """The basket (filled in by the page's script: without JavaScript there is no basket)."""
    ctx = context(request)
    try:
        aligner()
        unavailable = ""
    except ToolUnavailable as exc:
        unavailable = exc.messages[0]
    return render(request, "basket.html", max_align=ctx.settings.max_align_sequences,
                  align_unavailable=unavailable, from_db=AC_ID, to_db=UNIPROTKB,
                  choices=field_choices(DATASETS["uniprotkb"], ctx.catalogue),
                  columns=PAGE_COLUMNS["uniprotkb"])

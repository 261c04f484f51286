"""The pages in a real browser (Debian's headless Chromium) on every release (the demo and the
foreign one) and both stores: the form, the job page, its results table and the TSV download,
with ids drawn from the release served."""

from __future__ import annotations

from typing import Any

from browsing import walk_the_mapping_path
from releases import ReleaseFacts


def test_form_job_page_results_and_download(page: Any, release: ReleaseFacts,
                                            release_url: str) -> None:
    walk_the_mapping_path(page, release_url, release)

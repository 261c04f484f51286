"""The demo release generator: a tool, not part of the library's runtime.

:func:`generate` writes a seeded release in UniProt's exact file formats (see
:mod:`idmapping.demo.generator`); ``idmapping demo``, the benchmarks and the tests use it. The
demo release shipped in the package (``idmapping/data/demo``, read by
:func:`idmapping.loader.load_demo`) was made with it; nothing at run time imports this package.

* :mod:`.generator` — :func:`generate` and the command line;
* :mod:`.species`, :mod:`.accessions`, :mod:`.codes` — the organisms, accessions and id
  arithmetic the entries are drawn from;
* :mod:`.state` and :mod:`.xrefs` — the entry being drawn, and its cross-reference plan;
* :mod:`.mappingfiles`, :mod:`.textfiles`, :mod:`.entries` — the writers of the mapping
  files, the text files, and the entry files.
"""

from idmapping.demo.generator import (
    FILES,
    MAX_ACCESSIONS,
    RELEASE,
    RELEASE_DATE,
    generate,
    main,
)
from idmapping.loader import demo_dir

__all__ = ["generate", "main", "demo_dir", "RELEASE", "RELEASE_DATE", "FILES", "MAX_ACCESSIONS"]

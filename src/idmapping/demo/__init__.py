"""The demo release generator: a tool, not part of the library's runtime.

:func:`generate` writes a seeded release in UniProt's exact file formats (see
:mod:`idmapping.demo.generator`); ``idmapping demo``, the benchmarks and the tests use it. The
demo release shipped in the package (``idmapping/data/demo``, read by
:func:`idmapping.loader.load_demo`) was made with it; nothing at run time imports this package.
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

"""The benchmark suite of idmapping: ``python -m bench run`` writes ``docs/benchmarks.md``.

Not part of the package, the tests or CI. Modules: :mod:`bench.release` (seeded releases,
cached in ``bench/out/``), :mod:`bench.idlists` (the id lists mapped), :mod:`bench.project`
(idmapping's load and HTTP mapping), :mod:`bench.references` (read limit, DuckDB, pandas,
plain SQLite), :mod:`bench.server`, :mod:`bench.loadgen`, :mod:`bench.measure`,
:mod:`bench.suite` (the run), :mod:`bench.report` (the Markdown) and :mod:`bench.profile`.
"""

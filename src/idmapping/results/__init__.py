"""Results as UniProt serves them, with no HTTP in them: the writers of every format
(:mod:`.formats`), content negotiation (:mod:`.media`) and opaque cursors (:mod:`.paging`).
"""

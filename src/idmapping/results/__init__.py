"""Results as UniProt serves them, with no HTTP in them.

:mod:`.view` reads a finished job's results as a request asks for them (a page, or the whole
result as a stream of bytes), :mod:`.options` reads what the request asked (format, page,
entry fields and filters), :mod:`.entryrows` holds the entry steps (filters, records), and
:mod:`.formats`, :mod:`.media` and :mod:`.paging` are the writers of every format, content
negotiation and opaque cursors. The web routes and any other shell are thin layers over them.
"""

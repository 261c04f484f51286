"""Entry data for mapping results: the ``to`` objects of ``/idmapping/{uniprotkb|uniref|uniparc}``.

UniProt answers those end-points with the entries its "to" ids name: full UniProtKB entries,
and UniRef and UniParc "light" entries. Each is a :class:`~.dataset.Dataset`, with its return
fields (``fields=``: TSV labels, the cell of each, the part of the JSON entry each keeps) and
a reader of the entries of one page or batch of results at once (one or two store queries,
never one per row):

* :mod:`.dataset` — :class:`Dataset` and :class:`ReturnField`;
* :mod:`.uniprotkb`, :mod:`.uniref`, :mod:`.uniparc` — the three datasets: their entries,
  stored or built from the mapping files, and their fields;
* :mod:`.kbcells`, :mod:`.clustercells` — the cells of the UniProtKB, and the UniRef and
  UniParc, return fields.

>>> sorted(DATASETS), DATASETS["uniref"].defaults[:2]
(['uniparc', 'uniprotkb', 'uniref'], ('id', 'name'))
"""

from idmapping.entries.dataset import Dataset, Entry, ReturnField
from idmapping.entries.uniparc import UNIPARC, uniparc_entry
from idmapping.entries.uniprotkb import UNIPROTKB, flat_texts, uniprotkb_entry, xref_databases
from idmapping.entries.uniref import UNIREF, uniref_entry
from idmapping.uniprot.common import INACTIVE, REVIEWED, UNREVIEWED

__all__ = [
    "Entry",
    "ReturnField",
    "Dataset",
    "UNIPROTKB",
    "UNIREF",
    "UNIPARC",
    "DATASETS",
    "uniprotkb_entry",
    "uniref_entry",
    "uniparc_entry",
    "xref_databases",
    "flat_texts",
    "REVIEWED",
    "UNREVIEWED",
    "INACTIVE",
]

DATASETS: dict[str, Dataset] = {d.name: d for d in (UNIPROTKB, UNIREF, UNIPARC)}
"""The entry datasets by end-point name."""

"""The text files of the demo release: ``sec_ac.txt``, ``delac_sp.txt``, ``delac_tr.txt`` and
``reldate.txt``, with UniProt's headers.

>>> print(reldate_text(), end="")
UniProt Knowledgebase Release 2099_01 consists of:
UniProtKB/Swiss-Prot Release 2099_01 of 01-Jan-2099
UniProtKB/TrEMBL Release 2099_01 of 01-Jan-2099
"""

from __future__ import annotations

__all__ = ["RELEASE", "RELEASE_DATE", "sec_ac_text", "delac_text", "reldate_text"]

RELEASE = "2099_01"
RELEASE_DATE = "01-Jan-2099"

_RULE = "-" * 76
_SEC_AC_TEXT = """\
This file lists all secondary accession numbers in UniProtKB (Swiss-Prot and
TrEMBL), together with their corresponding current primary accession number(s).
Accession numbers become secondary when entries are merged or split. When two
entries are merged into one, the accession numbers from both entries are stored
for the new entry.

If an existing entry is split into two or more entries (a rare occurrence),
the original accession numbers are retained in all the derived entries and a
new primary accession number is added to all the entries.

An accession number is dropped only when the data to which it was assigned have
been completely removed from the database. Accession numbers deleted from
Swiss-Prot are listed in the document file delac_sp.txt and those deleted
from TrEMBL are listed in delac_tr.txt.

Secondary AC                  Primary AC
____________                  __________
"""
_DELAC_TEXT = {"sp": """\
Deleted entries are almost exclusively Open Reading Frames (ORFs) that
have been wrongly predicted to code for proteins. When there is enough
evidence that  these  hypothetical  proteins  are not real we take the
decision to remove them from UniProtKB/Swiss-Prot.
""", "tr": """\
Most deleted entries are translations of coding sequences that have been
removed from their source (EMBL/GenBank/DDBJ, Ensembl or RefSeq), or that
belong to redundant or excluded proteomes.
"""}


def _banner(title: str, description: str, name: str, release: str) -> str:
    return (f"{_RULE}\n        {title}\n"
            "        SIB Swiss Institute of Bioinformatics; Geneva, Switzerland\n"
            "        European Bioinformatics Institute (EBI); Hinxton, United Kingdom\n"
            "        Protein Information Resource (PIR); Washington DC, USA\n"
            f"{_RULE}\n\nDescription: {description}\nName:        {name}\n"
            f"Release:     {release}\n\n{_RULE}\n\n")


def sec_ac_text(pairs: list[tuple[str, str]]) -> str:
    """The text of ``sec_ac.txt``: UniProt's header, then each secondary accession and its
    primary.

    :param pairs: ``(secondary, primary)`` accessions, in order.
    """
    # Like UniProt's, this header has a leading empty line and states only the release date.
    head = "\n" + _banner("UniProt Protein Knowledgebase", "Secondary accession numbers: index",
                          "SEC_AC.TXT", RELEASE_DATE)
    return head + _SEC_AC_TEXT + "".join(f"{sec:<34}{pri}\n" for sec, pri in pairs)


def delac_text(source: str, accessions: list[str]) -> str:
    """The text of ``delac_sp.txt`` or ``delac_tr.txt``: UniProt's header, then the accessions.

    :param source: ``sp`` (Swiss-Prot) or ``tr`` (TrEMBL).
    :param accessions: the deleted accessions, in order.
    """
    name, other = ("Swiss-Prot", "TrEMBL") if source == "sp" else ("TrEMBL", "Swiss-Prot")
    head = _banner(f"UniProt - {name} Protein Knowledgebase",
                   f"Accession numbers deleted from UniProtKB/{name}", f"delac_{source}.txt",
                   f"{RELEASE} of {RELEASE_DATE}")
    text = (f"This file lists the accession numbers of UniProtKB/{name} entries\n"
            f"which have been deleted from the database.\n\n{_DELAC_TEXT[source]}\n"
            f"Also see the file delac_{'tr' if source == 'sp' else 'sp'}.txt for the list of "
            f"accession numbers which\nhave been deleted in UniProtKB/{other}.\n\n\n")
    body = "".join(f"{acc}\n" for acc in accessions)
    return f"{head}{text}Accession number\n________________\n{body}"


def reldate_text() -> str:
    """The text of ``reldate.txt``: the release's name and date for Swiss-Prot and TrEMBL."""
    return (f"UniProt Knowledgebase Release {RELEASE} consists of:\n"
            f"UniProtKB/Swiss-Prot Release {RELEASE} of {RELEASE_DATE}\n"
            f"UniProtKB/TrEMBL Release {RELEASE} of {RELEASE_DATE}\n")


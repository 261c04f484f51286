"""The UniProtKB search fields kept in the ``kb_terms`` table: which part of the entry files
each reads, and how its terms are compared.

``kb_terms(accession, field, terms)`` holds, for each entry and field, the words of the field's
values (``" a b | c "``, written at load by :func:`idmapping.searchwords.term_rows`); a query on
one of these fields is an ``EXISTS`` over the entry's rows of the field, found by the index on
``(accession, field)``, with ``LIKE`` over their words (:mod:`idmapping.store.queryfields`).

>>> TERM_FIELDS["cc_function_exp"].kind, TERM_FIELDS["lit_pubdate"].kind
('words', 'date')
>>> TERM_FIELDS["ft_sites_exp"].reads
('ft_act_site_exp', 'ft_binding_exp', 'ft_site_exp')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TermField", "TERM_FIELDS", "TERMS_TABLE", "NOT_IN_FILES", "STORED"]

TERMS_TABLE = "kb_terms"
"""The release table of the entries' search words."""


@dataclass(frozen=True)
class TermField:
    """A field of ``kb_terms``.

    :param source: the part of the UniProtKB entry files its words come from (docs/api.md).
    :param kind: ``words`` (terms, phrases, wildcards), ``date`` (``YYYY-MM-DD``, ranges),
        ``flag`` (``true`` or ``false``: whether the entry has the field) or ``number`` (words
        that are numbers: a term that is none gets UniProt's message).
    :param reads: the ``field`` values of the rows it reads: its own name, or for a field
        that gathers others (``ft_sites``, ``go_manual``, ``cc_sc``) theirs, so that no word
        is kept twice.
    """

    source: str
    kind: str = "words"
    reads: tuple[str, ...] = ()


_KB = "UniProtKB entry files"
_COMMENTS = ("function caution pathway miscellaneous ptm subunit domain similarity "
             "developmental_stage induction tissue_specificity disease allergen toxic_dose "
             "biotechnology pharmaceutical disruption_phenotype activity_regulation "
             "catalytic_activity cofactor cofactor_chebi cofactor_note "
             "biophysicochemical_properties bpcp bpcp_absorption bpcp_kinetics "
             "bpcp_ph_dependence bpcp_redox_potential bpcp_temp_dependence interaction "
             "subcellular_location scl_term scl_note alternative_products ap ap_apu ap_as "
             "ap_ai ap_rf sequence_caution sc sc_misc mass_spectrometry polymorphism "
             "rna_editing webresource unknown").split()
_CAUTIONS = "sc_framesh sc_einit sc_eterm sc_epred sc_etran".split()
_FEATURES = ("sites act_site binding site dna_bind variants variant var_seq non_std non_ter "
             "non_cons conflict unsure positional mod_res lipid carbohyd disulfid crosslnk "
             "molecule_processing chain init_met peptide signal propep transit domain coiled "
             "compbias motif region repeat zn_fing secstruct helix turn strand transmem "
             "topo_dom intramem mutagen").split()
_GO = ("manual automatic exp ida imp igi ipi iep tas nas ic iss iea igc rca nd iba ibd ikr "
       "ird iso isa ism hda hmp hgi hep htp unknown").split()


_GATHERING = {
    "ft_sites": ("act_site", "binding", "site"), "ft_variants": ("variant", "var_seq"),
    "ft_molecule_processing": ("chain", "init_met", "peptide", "signal", "propep", "transit"),
    "ft_secstruct": ("helix", "turn", "strand"),
    "ft_positional": tuple(n for n in _FEATURES if n not in (
        "sites", "variants", "positional", "molecule_processing", "secstruct")),
}
"""Feature fields that gather the features of several types: UniProt's groups, and
``ft_positional`` every sequence feature."""

_SAME = {"cc_sc": "cc_sequence_caution", "cc_ap": "cc_alternative_products",
         "cc_bpcp": "cc_biophysicochemical_properties", "family": "cc_similarity"}
"""Fields that UniProt keeps under a second name: the query reads the first."""


def _reads(name: str) -> tuple[str, ...]:
    """The stored fields that field *name* reads (:attr:`TermField.reads`)."""
    base, exp = (name[:-4], "_exp") if name.endswith("_exp") else (name, "")
    if base in _GATHERING:
        return tuple(f"ft_{kind}{exp}" for kind in _GATHERING[base])
    if base in _SAME:
        return (_SAME[base] + exp,)
    if name == "go_manual":
        return tuple(f"go_{code}" for code in _GO if code not in ("manual", "automatic", "iea"))
    if name == "go_automatic":
        return ("go_iea",)
    return (name,)


def _fields() -> dict[str, TermField]:
    found = {f"cc_{n}{e}": TermField(f"{_KB} (CC {n.replace('_', ' ')} comments)")
             for n in _COMMENTS for e in ("", "_exp")}
    found |= {f"cc_{n}": TermField(f"{_KB} (CC sequence caution comments)") for n in _CAUTIONS}
    found |= {f"ft_{n}{e}": TermField(f"{_KB} (FT {n.replace('_', ' ')} features)")
              for n in _FEATURES for e in ("", "_exp")}
    found |= {f"go_{n}": TermField(f"{_KB} (DR GO lines, by evidence)") for n in _GO}
    for names, source, kind in (
            ("lit_author lit_title lit_journal lit_pubmed lit_citation_id", "RA, RG, RT, RL "
             "and RX reference lines", "words"),
            ("lit_pubdate", "RL reference lines", "date"),
            ("scope", "RP reference lines", "words"),
            ("tissue strain plasmid transposon", "RC reference lines", "words"),
            ("taxonomy_name", "OS and OC lines", "words"),
            ("virus_host_name", "OH lines", "words"), ("virus_host_id", "OH lines", "number"),
            ("rhea", "CC catalytic activity comments", "words"),
            ("interactor", "CC interaction comments", "words"),
            ("family", "CC similarity comments", "words"),
            ("encoded_in", "OG lines", "words"),
            ("date_sequence_modified", "DT sequence version lines", "date"),
            ("precursor", "DE flags", "flag"),
            ("evidence_exp", "evidence tags", "flag")):
        found |= dict.fromkeys(names.split(), TermField(f"{_KB} ({source})", kind))
    return {name: TermField(spec.source, spec.kind, _reads(name)) for name, spec in found.items()}


TERM_FIELDS: dict[str, TermField] = _fields()
"""Every UniProtKB search field kept in ``kb_terms``, by name."""

NOT_IN_FILES: dict[str, str] = {
    **dict.fromkeys(("chebi", "inchikey"), "ChEBI's compound files (names and InChIKeys of "
                    "the small molecules of catalytic activity and cofactor comments), which a "
                    "release's files do not include"),
    **dict.fromkeys(("computational_pubmed_id", "community_pubmed_id"),
                    "UniProt's additional bibliography (computationally mapped and community "
                    "submitted publications), which a release's files do not include"),
    **dict.fromkeys(("proteomecomponent", "proteome_canonical", "is_gene_centric"),
                    "UniProt's proteome files, which a release's files do not include"),
    "source": "the sources of UniProt's cross-references, which the entry files do not state",
}
"""UniProtKB search fields whose data no file of a release holds, and where it comes from."""

STORED: frozenset[str] = frozenset(f for spec in TERM_FIELDS.values() for f in spec.reads)
"""The ``field`` values that ``kb_terms`` rows may hold."""

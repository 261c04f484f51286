"""UniProt's feature types in its three vocabularies: the REST JSON's (``Signal``), the flat
file's keys (``SIGNAL``) and UniProtKB XML's (``signal peptide``); the readers and writers of
each format translate through these tables.

>>> FEATURE_TYPES["ZN_FING"], FEATURE_KEYS["Zinc finger"], XML_FEATURE_TYPES["zinc finger region"]
('Zinc finger', 'ZN_FING', 'Zinc finger')
"""

from __future__ import annotations

__all__ = ["FEATURE_TYPES", "FEATURE_KEYS", "XML_FEATURE_TYPES"]

FEATURE_TYPES = {
    "INIT_MET": "Initiator methionine", "SIGNAL": "Signal", "PROPEP": "Propeptide",
    "TRANSIT": "Transit peptide", "CHAIN": "Chain", "PEPTIDE": "Peptide",
    "TOPO_DOM": "Topological domain", "TRANSMEM": "Transmembrane",
    "INTRAMEM": "Intramembrane", "DOMAIN": "Domain", "REPEAT": "Repeat",
    "CA_BIND": "Calcium binding", "ZN_FING": "Zinc finger", "DNA_BIND": "DNA binding",
    "NP_BIND": "Nucleotide binding", "REGION": "Region", "COILED": "Coiled coil",
    "MOTIF": "Motif", "COMPBIAS": "Compositional bias", "ACT_SITE": "Active site",
    "METAL": "Metal binding", "BINDING": "Binding site", "SITE": "Site",
    "NON_STD": "Non-standard residue", "MOD_RES": "Modified residue", "LIPID": "Lipidation",
    "CARBOHYD": "Glycosylation", "DISULFID": "Disulfide bond", "CROSSLNK": "Cross-link",
    "VAR_SEQ": "Alternative sequence", "VARIANT": "Natural variant", "MUTAGEN": "Mutagenesis",
    "UNSURE": "Sequence uncertainty", "CONFLICT": "Sequence conflict",
    "NON_CONS": "Non-adjacent residues", "NON_TER": "Non-terminal residue", "HELIX": "Helix",
    "STRAND": "Beta strand", "TURN": "Turn",
}
"""Flat-file feature keys → UniProt's JSON feature types."""

FEATURE_KEYS = {name: key for key, name in FEATURE_TYPES.items()}
"""UniProt's JSON feature types → flat-file feature keys."""

XML_FEATURE_TYPES = {
    "initiator methionine": "Initiator methionine", "signal peptide": "Signal",
    "propeptide": "Propeptide", "transit peptide": "Transit peptide", "chain": "Chain",
    "peptide": "Peptide", "topological domain": "Topological domain",
    "transmembrane region": "Transmembrane", "intramembrane region": "Intramembrane",
    "domain": "Domain", "repeat": "Repeat", "calcium-binding region": "Calcium binding",
    "zinc finger region": "Zinc finger", "DNA-binding region": "DNA binding",
    "nucleotide phosphate-binding region": "Nucleotide binding",
    "region of interest": "Region", "coiled-coil region": "Coiled coil",
    "short sequence motif": "Motif", "compositionally biased region": "Compositional bias",
    "active site": "Active site", "metal ion-binding site": "Metal binding",
    "binding site": "Binding site", "site": "Site",
    "non-standard amino acid": "Non-standard residue", "modified residue": "Modified residue",
    "lipid moiety-binding region": "Lipidation", "glycosylation site": "Glycosylation",
    "disulfide bond": "Disulfide bond", "cross-link": "Cross-link",
    "splice variant": "Alternative sequence", "sequence variant": "Natural variant",
    "mutagenesis site": "Mutagenesis", "unsure residue": "Sequence uncertainty",
    "sequence conflict": "Sequence conflict", "non-consecutive residues": "Non-adjacent residues",
    "non-terminal residue": "Non-terminal residue", "helix": "Helix", "strand": "Beta strand",
    "turn": "Turn",
}
"""UniProtKB XML feature types → UniProt's JSON feature types."""

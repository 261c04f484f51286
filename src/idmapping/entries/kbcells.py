"""UniProtKB return-field cells: each field's TSV text, read from an entry's JSON.

The texts follow UniProt's TSV: names with their short names and EC numbers in parentheses,
comments as ``TYPE: text {evidences}.``, features as ``KEY start..end; /note="..."``, and so on.

>>> protein_name_cell({"proteinDescription": {"recommendedName": {"fullName": {"value": "A"},
...     "ecNumbers": [{"value": "1.1.1.1"}]}, "cdAntigenNames": [{"value": "CD1"}]}})
'A (EC 1.1.1.1) (CD antigen CD1)'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from idmapping.entries.dataset import ReturnField
from idmapping.entries.lineages import add_lineages, lineage_cell, lineage_ids_cell
from idmapping.uniprot.common import REVIEWED, UNREVIEWED, Json, evidence_text, json_path
from idmapping.uniprot.summary import ec_numbers
from idmapping.uniprot.writers.ffannotations import comment_text, feature_text

__all__ = ["KB_FIELDS", "reviewed_cell", "gene_names_cell", "organism_name_cell",
           "protein_name_cell", "comment_cell", "feature_cell", "go_cell", "go_id_cell",
           "keyword_cell", "keyword_id_cell", "mass_cell", "existence_cell",
           "pubmed_cell", "doi_cell", "families_cell", "hosts_cell", "fragment_cell",
           "ec_cell", "xref_cell", "xref_full_cell", "COMMENT_FIELDS", "FEATURE_FIELDS"]

Cell = Callable[[Json], Any]

COMMENT_FIELDS = {
    "cc_function": "FUNCTION", "cc_catalytic_activity": "CATALYTIC ACTIVITY",
    "cc_cofactor": "COFACTOR", "cc_activity_regulation": "ACTIVITY REGULATION",
    "cc_pathway": "PATHWAY", "cc_caution": "CAUTION", "cc_miscellaneous": "MISCELLANEOUS",
    "cc_interaction": "INTERACTION", "cc_subunit": "SUBUNIT",
    "cc_developmental_stage": "DEVELOPMENTAL STAGE", "cc_induction": "INDUCTION",
    "cc_tissue_specificity": "TISSUE SPECIFICITY", "cc_allergen": "ALLERGEN",
    "cc_biotechnology": "BIOTECHNOLOGY", "cc_disruption_phenotype": "DISRUPTION PHENOTYPE",
    "cc_disease": "DISEASE", "cc_pharmaceutical": "PHARMACEUTICAL",
    "cc_toxic_dose": "TOXIC DOSE", "cc_subcellular_location": "SUBCELLULAR LOCATION",
    "cc_ptm": "PTM", "cc_domain": "DOMAIN", "cc_similarity": "SIMILARITY",
    "cc_alternative_products": "ALTERNATIVE PRODUCTS", "cc_mass_spectrometry":
    "MASS SPECTROMETRY", "cc_polymorphism": "POLYMORPHISM", "cc_rna_editing": "RNA EDITING",
    "cc_sequence_caution": "SEQUENCE CAUTION",
}
"""``cc_*`` return fields → comment types."""

FEATURE_FIELDS = {
    "ft_var_seq": "Alternative sequence", "ft_variant": "Natural variant",
    "ft_non_cons": "Non-adjacent residues", "ft_non_std": "Non-standard residue",
    "ft_non_ter": "Non-terminal residue", "ft_conflict": "Sequence conflict",
    "ft_unsure": "Sequence uncertainty", "ft_act_site": "Active site",
    "ft_binding": "Binding site", "ft_dna_bind": "DNA binding", "ft_site": "Site",
    "ft_mutagen": "Mutagenesis", "ft_intramem": "Intramembrane",
    "ft_topo_dom": "Topological domain", "ft_transmem": "Transmembrane", "ft_chain": "Chain",
    "ft_crosslnk": "Cross-link", "ft_disulfid": "Disulfide bond",
    "ft_carbohyd": "Glycosylation", "ft_init_met": "Initiator methionine",
    "ft_lipid": "Lipidation", "ft_mod_res": "Modified residue", "ft_peptide": "Peptide",
    "ft_propep": "Propeptide", "ft_signal": "Signal", "ft_transit": "Transit peptide",
    "ft_strand": "Beta strand", "ft_helix": "Helix", "ft_turn": "Turn",
    "ft_coiled": "Coiled coil", "ft_compbias": "Compositional bias", "ft_domain": "Domain",
    "ft_motif": "Motif", "ft_region": "Region", "ft_repeat": "Repeat",
    "ft_zn_fing": "Zinc finger",
}
"""``ft_*`` return fields → feature types."""


def reviewed_cell(entry: Json) -> str:
    """``reviewed`` (Swiss-Prot), ``unreviewed`` (TrEMBL), or "" (an inactive entry)."""
    return {REVIEWED: "reviewed", UNREVIEWED: "unreviewed"}.get(entry.get("entryType", ""), "")


def gene_names_cell(*parts: str) -> Callable[[Json], str]:
    """A cell listing names of each gene, space-separated, genes separated by ``"; "``.

    :param parts: the keys of the names listed, in order (``geneName``, ``synonyms`` ...).
    """

    def read(entry: Json) -> str:
        genes = []
        for gene in entry.get("genes", []):
            names: list[str] = []
            for part in parts:
                value = gene.get(part)
                if isinstance(value, dict):
                    names.append(value["value"])
                elif isinstance(value, list):
                    names.extend(item["value"] for item in value)
            if names:
                genes.append(" ".join(names))
        return "; ".join(genes)

    return read


def organism_name_cell(entry: Json) -> str:
    """``Scientific name (Common name)``."""
    organism = entry.get("organism") or {}
    name = organism.get("scientificName", "")
    common = organism.get("commonName")
    return f"{name} ({common})" if name and common else name


def _name_parts(block: Json) -> list[str]:
    parts = []
    if "fullName" in block:
        parts.append(block["fullName"]["value"])
    parts += [s["value"] for s in block.get("shortNames", [])]
    parts += [f"EC {e['value']}" for e in block.get("ecNumbers", [])]
    return parts


def _description_text(desc: Json) -> str:
    parts: list[str] = []
    for key in ("recommendedName",):
        if desc.get(key):
            parts += _name_parts(desc[key])
    for block in desc.get("submissionNames", []):
        parts += _name_parts(block)
    for block in desc.get("alternativeNames", []):
        parts += _name_parts(block)
    for key, label in (("allergenName", "Allergen"), ("biotechName", "Biotech")):
        if desc.get(key):
            parts.append(f"{label} {desc[key]['value']}")
    for key, label in (("cdAntigenNames", "CD antigen"), ("innNames", "INN")):
        parts += [f"{label} {v['value']}" for v in desc.get(key, [])]
    if not parts:
        return ""
    return parts[0] + "".join(f" ({p})" for p in parts[1:])


def protein_name_cell(entry: Json) -> str:
    """``Full (Short) (EC x) (Alt) ... [Includes: ...] [Cleaved into: ...]``."""
    desc = entry.get("proteinDescription") or {}
    text = _description_text(desc)
    for key, label in (("includes", "Includes"), ("contains", "Cleaved into")):
        if desc.get(key):
            text += f" [{label}: " + "; ".join(_description_text(d) for d in desc[key]) + "]"
    return text


def comment_cell(kind: str) -> Callable[[Json], str]:
    """The cell of one comment type: ``TYPE: [molecule]: text {evidence}.``, comments joined."""

    def read(entry: Json) -> str:
        found = [comment_text(c) for c in entry.get("comments", []) if c["commentType"] == kind]
        return " ".join(found) if kind != "INTERACTION" else "; ".join(
            f.removeprefix(f"{kind}: ") for f in found)

    return read


def feature_cell(kind: str) -> Callable[[Json], str]:
    """The cell of one feature type: ``KEY 1..21; /note="..."; /evidence="..."; ...``."""

    def read(entry: Json) -> str:
        return "; ".join(feature_text(f) for f in entry.get("features", []) if f["type"] == kind)

    return read


def _go(entry: Json, aspect: str = "") -> list[tuple[str, str]]:
    found = []
    for xref in entry.get("uniProtKBCrossReferences", []):
        if xref["database"] != "GO":
            continue
        term = next((p["value"] for p in xref.get("properties", []) if p["key"] == "GoTerm"), "")
        if aspect and not term.startswith(aspect + ":"):
            continue
        found.append((term.split(":", 1)[-1], xref["id"]))
    return found


def go_cell(aspect: str = "") -> Callable[[Json], str]:
    """``term [GO:id]; ...`` of one aspect (``P``, ``F``, ``C``) or all."""
    return lambda entry: "; ".join(f"{t} [{i}]" for t, i in _go(entry, aspect))


def go_id_cell(entry: Json) -> str:
    """``GO:id; GO:id``."""
    return "; ".join(i for _, i in _go(entry))


def keyword_cell(entry: Json) -> str:
    """Keyword names joined by ``;``."""
    return ";".join(k.get("name", "") for k in entry.get("keywords", []))


def keyword_id_cell(entry: Json) -> str:
    """Keyword ids joined by ``; ``."""
    return "; ".join(k["id"] for k in entry.get("keywords", []) if "id" in k)


def mass_cell(entry: Json) -> str:
    """The molecular weight with thousands separated by commas."""
    weight = (entry.get("sequence") or {}).get("molWeight")
    return f"{weight:,}" if isinstance(weight, int) else ""


def existence_cell(entry: Json) -> str:
    """``Evidence at protein level`` (the level's number left out)."""
    return str(entry.get("proteinExistence", "")).split(": ", 1)[-1]


def _citation_ids(entry: Json, database: str) -> str:
    ids = []
    for ref in entry.get("references", []):
        for x in ref.get("citation", {}).get("citationCrossReferences", []):
            if x["database"] == database:
                ids.append(x["id"])
    return "; ".join(ids)


def pubmed_cell(entry: Json) -> str:
    """PubMed ids of the references."""
    return _citation_ids(entry, "PubMed")


def doi_cell(entry: Json) -> str:
    """DOIs of the references."""
    return _citation_ids(entry, "DOI")


def families_cell(entry: Json) -> str:
    """Families of the SIMILARITY comments: ``Belongs to the X. Y.`` as ``X, Y``."""
    found = []
    for comment in entry.get("comments", []):
        if comment["commentType"] == "SIMILARITY":
            for text in comment.get("texts", []):
                value = text["value"]
                if value.startswith("Belongs to the "):
                    found.append(", ".join(p.strip() for p in value[15:].split(". ")))
    return "; ".join(found)


def hosts_cell(entry: Json) -> str:
    """``Name (Common) [TaxID: n]; ...``."""
    found = []
    for host in entry.get("organismHosts", []):
        name = host.get("scientificName", "")
        if host.get("commonName"):
            name += f" ({host['commonName']})"
        found.append(f"{name} [TaxID: {host.get('taxonId')}]")
    return "; ".join(found)


def fragment_cell(entry: Json) -> str:
    """``fragment`` for fragments."""
    flag = (entry.get("proteinDescription") or {}).get("flag", "")
    return "fragment" if "Fragment" in flag else ""


def ec_cell(entry: Json) -> str:
    """EC numbers joined by ``; ``."""
    return "; ".join(ec_numbers(entry))


def xref_cell(database: str) -> Callable[[Json], str]:
    """UniProt's cross-reference column of *database*: each id followed by ``;``."""

    def read(entry: Json) -> str:
        return "".join(
            f"{x['id']};"
            for x in entry.get("uniProtKBCrossReferences", [])
            if x["database"] == database
        )

    return read


def xref_full_cell(database: str) -> Callable[[Json], str]:
    """``id; property; property.`` of each cross-reference of *database*, space-separated."""

    def read(entry: Json) -> str:
        found = []
        for xref in entry.get("uniProtKBCrossReferences", []):
            if xref["database"] == database:
                values = [xref["id"], *(p["value"] for p in xref.get("properties", []))]
                text = "; ".join(values) + "."
                if xref.get("isoformId"):
                    text += f" [{xref['isoformId']}]"
                found.append(text)
        return " ".join(found)

    return read


_BPCP = "BIOPHYSICOCHEMICAL PROPERTIES"
_EPRED = "Erroneous gene model prediction"


def _evidence(item: Json) -> str:
    """`` {ECO:...}`` of an item with evidences, else ``""``."""
    return f" {{{evidence_text(item['evidences'])}}}" if item.get("evidences") else ""


def _free_text(block: Json) -> str:
    """A free text as UniProt's comment lines write it: each text ending with a full stop and
    its evidences, ``. `` between texts, ``;`` at the end."""
    parts = [str(t.get("value", "")) + ("" if str(t.get("value", "")).endswith(".") else ".")
             + _evidence(t) for t in block.get("texts", [])]
    return ". ".join(parts) + ";"


def _number(value: Any) -> str:
    """A KM or Vmax as UniProt writes it: no fraction when whole (``25``), else the number
    (``0.47``), never thousands separators."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _absorption(comment: Json) -> str:
    block = comment["absorption"]
    text = (f"Absorption: Abs(max)={'~' if block.get('approximate') else ''}{block.get('max')} nm"
            f"{_evidence(block)};")
    if block.get("note"):
        text += " Note=" + _free_text(block["note"])
    return text


def _kinetics(comment: Json) -> str:
    block = comment["kineticParameters"]
    parts = ["Kinetic parameters:"]
    parts += [f"KM={_number(k['constant'])} {k.get('unit', '')} for {k.get('substrate', '')}"
              f"{_evidence(k)};" for k in block.get("michaelisConstants", [])]
    parts += [f"Vmax={_number(v['velocity'])} {v.get('unit', '')} {v.get('enzyme', '')}"
              f"{_evidence(v)};" for v in block.get("maximumVelocities", [])]
    if block.get("note"):
        parts.append("Note=" + _free_text(block["note"]))
    return " ".join(parts)


def _dependence(key: str, label: str) -> Callable[[Json], str]:
    return lambda comment: f"{label} {_free_text(comment[key])}"


def bpcp_cell(key: str, text: Callable[[Json], str]) -> Callable[[Json], str]:
    """One part of the BIOPHYSICOCHEMICAL PROPERTIES comments (``absorption``,
    ``kineticParameters``...): ``BIOPHYSICOCHEMICAL PROPERTIES:  `` and the part's lines, as
    UniProt writes them without the flat file's markings."""

    def read(entry: Json) -> str:
        found = [text(c) for c in entry.get("comments", [])
                 if c["commentType"] == _BPCP and c.get(key)]
        return f"{_BPCP}:  " + " ".join(found) if found else ""

    return read


def rhea_cell(entry: Json) -> str:
    """The Rhea ids of the catalytic activities' reactions (no ``RHEA-COMP:``), space-separated."""
    return " ".join(
        x["id"] for c in entry.get("comments", []) if c["commentType"] == "CATALYTIC ACTIVITY"
        for x in (c.get("reaction") or {}).get("reactionCrossReferences", [])
        if x.get("database") == "Rhea" and "RHEA-COMP:" not in x.get("id", ""))


_METHODS = {"X-ray": "X-ray crystallography", "NMR": "NMR spectroscopy",
            "EM": "Electron microscopy", "Model": "Model", "Neutron": "Neutron diffraction",
            "Fiber": "Fiber diffraction", "IR": "Infrared spectroscopy"}


def structure_cell(entry: Json) -> str:
    """``NMR spectroscopy (1); X-ray crystallography (3)``: the PDB cross-references counted
    by method, methods in alphabetical order."""
    counts: dict[str, int] = {}
    for xref in entry.get("uniProtKBCrossReferences", []):
        if xref["database"] != "PDB":
            continue
        for prop in xref.get("properties", []):
            if prop["key"] == "Method" and prop["value"] in _METHODS:
                method = _METHODS[prop["value"]]
                counts[method] = counts.get(method, 0) + 1
    return "; ".join(f"{m} ({n})" for m, n in sorted(counts.items()))


def encoded_cell(entry: Json) -> str:
    """``Mitochondrion; Plasmid pX``: the gene locations (OG lines)."""
    return "; ".join(f"{g.get('geneEncodingType', '')} {g['value']}" if g.get("value")
                     else str(g.get("geneEncodingType", ""))
                     for g in entry.get("geneLocations", []))


def counts_cell(key: str) -> Callable[[Json], str]:
    """``ALTERNATIVE PRODUCTS (1); FUNCTION (1)``: an entry's comments or features counted by
    type (its ``extraAttributes``), by type, as UniProt writes them."""

    def read(entry: Json) -> str:
        counts = (entry.get("extraAttributes") or {}).get(key) or {}
        return "; ".join(f"{kind} ({n})" for kind, n in sorted(counts.items()))

    return read


def caution_cell(kind: str = "") -> Callable[[Json], str]:
    """``SEQUENCE CAUTION:  Sequence=X; Type=T; Note=N.; Evidence={E};  Sequence=...``: the
    sequence cautions (of one type, when given), two spaces between them, as UniProt writes
    them."""

    def read(entry: Json) -> str:
        found = [comment_text(c).removeprefix("SEQUENCE CAUTION: ")
                 for c in entry.get("comments", []) if c["commentType"] == "SEQUENCE CAUTION"
                 and (not kind or c.get("sequenceCautionType") == kind)]
        return "SEQUENCE CAUTION:  " + "  ".join(found) if found else ""

    return read


_LABELS = {
    "cc_function": "Function [CC]", "cc_catalytic_activity": "Catalytic activity",
    "cc_cofactor": "Cofactor", "cc_activity_regulation": "Activity regulation",
    "cc_pathway": "Pathway", "cc_caution": "Caution", "cc_miscellaneous": "Miscellaneous [CC]",
    "cc_interaction": "Interacts with", "cc_subunit": "Subunit structure",
    "cc_developmental_stage": "Developmental stage", "cc_induction": "Induction",
    "cc_tissue_specificity": "Tissue specificity", "cc_allergen": "Allergenic Properties",
    "cc_biotechnology": "Biotechnological use", "cc_disruption_phenotype":
    "Disruption phenotype", "cc_disease": "Involvement in disease",
    "cc_pharmaceutical": "Pharmaceutical use", "cc_toxic_dose": "Toxic dose",
    "cc_subcellular_location": "Subcellular location [CC]",
    "cc_ptm": "Post-translational modification", "cc_domain": "Domain [CC]",
    "cc_similarity": "Sequence similarities", "cc_alternative_products":
    "Alternative products (isoforms)", "cc_mass_spectrometry": "Mass spectrometry",
    "cc_polymorphism": "Polymorphism", "cc_rna_editing": "RNA Editing",
    "cc_sequence_caution": "Sequence caution", "ft_var_seq": "Alternative sequence",
    "ft_variant": "Natural variant", "ft_non_cons": "Non-adjacent residues",
    "ft_non_std": "Non-standard residue", "ft_non_ter": "Non-terminal residue",
    "ft_conflict": "Sequence conflict", "ft_unsure": "Sequence uncertainty",
    "ft_act_site": "Active site", "ft_binding": "Binding site", "ft_dna_bind": "DNA binding",
    "ft_site": "Site", "ft_mutagen": "Mutagenesis", "ft_intramem": "Intramembrane",
    "ft_topo_dom": "Topological domain", "ft_transmem": "Transmembrane", "ft_chain": "Chain",
    "ft_crosslnk": "Cross-link", "ft_disulfid": "Disulfide bond", "ft_carbohyd":
    "Glycosylation", "ft_init_met": "Initiator methionine", "ft_lipid": "Lipidation",
    "ft_mod_res": "Modified residue", "ft_peptide": "Peptide", "ft_propep": "Propeptide",
    "ft_signal": "Signal peptide", "ft_transit": "Transit peptide", "ft_strand": "Beta strand",
    "ft_helix": "Helix", "ft_turn": "Turn", "ft_coiled": "Coiled coil",
    "ft_compbias": "Compositional bias", "ft_domain": "Domain [FT]", "ft_motif": "Motif",
    "ft_region": "Region", "ft_repeat": "Repeat", "ft_zn_fing": "Zinc finger",
}

KB_FIELDS: tuple[ReturnField, ...] = (
    ReturnField("sequence", "Sequence", json_path("sequence", "value"), ("sequence",)),
    ReturnField("mass", "Mass", mass_cell, ("sequence",)),
    ReturnField("ec", "EC number", ec_cell, ("proteinDescription",)),
    ReturnField("keyword", "Keywords", keyword_cell, ("keywords",)),
    ReturnField("keywordid", "Keyword ID", keyword_id_cell, ("keywords",)),
    ReturnField("protein_existence", "Protein existence", existence_cell,
                ("proteinExistence",)),
    ReturnField("annotation_score", "Annotation", json_path("annotationScore"),
                ("annotationScore",)),
    ReturnField("date_created", "Date of creation", json_path("entryAudit", "firstPublicDate"),
                ("entryAudit",)),
    ReturnField("date_modified", "Date of last modification",
                json_path("entryAudit", "lastAnnotationUpdateDate"), ("entryAudit",)),
    ReturnField("date_sequence_modified", "Date of last sequence modification",
                json_path("entryAudit", "lastSequenceUpdateDate"), ("entryAudit",)),
    ReturnField("version", "Entry version", json_path("entryAudit", "entryVersion"),
                ("entryAudit",)),
    ReturnField("sequence_version", "Sequence version", json_path("entryAudit", "sequenceVersion"),
                ("entryAudit",)),
    ReturnField("go", "Gene Ontology (GO)", go_cell(), ("uniProtKBCrossReferences",),
                xref="GO"),
    ReturnField("go_p", "Gene Ontology (biological process)", go_cell("P"),
                ("uniProtKBCrossReferences",), xref="GO"),
    ReturnField("go_f", "Gene Ontology (molecular function)", go_cell("F"),
                ("uniProtKBCrossReferences",), xref="GO"),
    ReturnField("go_c", "Gene Ontology (cellular component)", go_cell("C"),
                ("uniProtKBCrossReferences",), xref="GO"),
    ReturnField("go_id", "Gene Ontology IDs", go_id_cell, ("uniProtKBCrossReferences",),
                xref="GO"),
    ReturnField("lineage", "Taxonomic lineage", lineage_cell, ("organism", "lineages"),
                adds=add_lineages),
    ReturnField("lineage_ids", "Taxonomic lineage (Ids)", lineage_ids_cell, ("lineages",),
                adds=add_lineages),
    ReturnField("virus_hosts", "Virus hosts", hosts_cell, ("organismHosts",)),
    ReturnField("fragment", "Fragment", fragment_cell, ("proteinDescription",)),
    ReturnField("lit_pubmed_id", "PubMed ID", pubmed_cell, ("references",)),
    ReturnField("lit_doi_id", "DOI ID", doi_cell, ("references",)),
    ReturnField("protein_families", "Protein families", families_cell, ("comments",),
                only="SIMILARITY"),
    *(ReturnField(name, _LABELS[name], comment_cell(kind) if kind != "SEQUENCE CAUTION"
                  else caution_cell(), ("comments",), only=kind)
      for name, kind in COMMENT_FIELDS.items()),
    ReturnField("absorption", "Absorption", bpcp_cell("absorption", _absorption),
                ("comments",), only=_BPCP),
    ReturnField("kinetics", "Kinetics", bpcp_cell("kineticParameters", _kinetics),
                ("comments",), only=_BPCP),
    ReturnField("ph_dependence", "pH dependence",
                bpcp_cell("phDependence", _dependence("phDependence", "pH dependence:")),
                ("comments",), only=_BPCP),
    ReturnField("redox_potential", "Redox potential",
                bpcp_cell("redoxPotential", _dependence("redoxPotential", "Redox potential:")),
                ("comments",), only=_BPCP),
    ReturnField("temp_dependence", "Temperature dependence",
                bpcp_cell("temperatureDependence",
                          _dependence("temperatureDependence", "Temperature dependence:")),
                ("comments",), only=_BPCP),
    ReturnField("rhea", "Rhea ID", rhea_cell, ("comments",), only="CATALYTIC ACTIVITY"),
    ReturnField("cc_sc_epred", "Erroneous gene model prediction", caution_cell(_EPRED),
                ("comments",), only=f"SEQUENCE CAUTION/{_EPRED}"),
    ReturnField("structure_3d", "3D", structure_cell, ("uniProtKBCrossReferences",),
                xref="PDB"),
    ReturnField("encoded_in", "Encoded in", encoded_cell, ("geneLocations",)),
    ReturnField("comment_count", "Comments", counts_cell("countByCommentType"),
                ("extraAttributes",)),
    ReturnField("feature_count", "Features", counts_cell("countByFeatureType"),
                ("extraAttributes",)),
    ReturnField("tools", "Tools", lambda entry: "tools", ("primaryAccession",)),
    *(ReturnField(name, _LABELS[name], feature_cell(kind), ("features",), only=kind)
      for name, kind in FEATURE_FIELDS.items()),
)
"""The UniProtKB return fields read from whole entries (beyond names, genes and organism)."""

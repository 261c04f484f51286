"""Writers of UniProt's REST JSON into its other formats: :mod:`.fasta`, :mod:`.gff`, the flat
file (:mod:`.ffwriter`, with the comment and feature texts of :mod:`.ffannotations`, which
UniProt's TSV cells share) and XML (:mod:`.xmlwriter`)."""

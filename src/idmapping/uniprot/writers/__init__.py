"""Writers of UniProt's REST JSON into its other formats: :mod:`.fasta`, :mod:`.gff`, the flat
file (:mod:`.ffwriter`) and XML (:mod:`.xmlwriter`)."""

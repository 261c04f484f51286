"""UniProt's entries: readers of its release files (flat file, XML) into UniProt's REST JSON,
and writers of that JSON into its other formats (FASTA, flat file, XML, GFF).

Modules, one concept each:

* :mod:`.common` — evidences, dates, sequence checksums and weights;
* :mod:`.flatfile` — the Swiss-Prot/TrEMBL flat-file reader (Biopython underneath);
* :mod:`.ffnames`, :mod:`.ffcomments`, :mod:`.fffeatures` — its line groups, as JSON;
* :mod:`.kbxml` — the UniProtKB XML reader;
* :mod:`.clusters` — the UniRef and UniParc XML readers (light entries);
* :mod:`.isoforms` — the isoform sequence file reader (``uniprot_sprot_varsplic.fasta``);
* :mod:`.summary` — the columns a store keeps beside each document, for filters and order;
* :mod:`.fasta`, :mod:`.gff`, :mod:`.ffwriter`, :mod:`.xmlwriter` — the writers.
"""

"""UniProt's entries: readers of its release files (flat file, XML) into UniProt's REST JSON,
and writers of that JSON into its other formats (FASTA, flat file, XML, GFF).

* :mod:`.common` — evidences, dates, sequence checksums and weights (both sides);
* :mod:`.featuretypes` — feature types in the JSON's, the flat file's and XML's words;
* :mod:`.summary` — the columns a store keeps beside each document, for filters and order;
* :mod:`.readers` — the flat file (:mod:`.readers.flatfile` and its line groups), UniProtKB
  XML, UniRef and UniParc XML, the isoform sequence file;
* :mod:`.writers` — FASTA, GFF, the flat file and XML, from the JSON.
"""

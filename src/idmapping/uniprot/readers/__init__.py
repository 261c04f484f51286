"""Readers of UniProt's entry files into UniProt's REST JSON.

* :mod:`.flatfile` — the Swiss-Prot/TrEMBL flat file, read a line at a time, with its
  one-value lines in :mod:`.ffheader`, its line groups in :mod:`.ffnames`,
  :mod:`.ffcomments` and :mod:`.fffeatures`, and the text pieces they share in :mod:`.fftext`;
* :mod:`.kbxml` (and :mod:`.kbxmlparts`) — UniProtKB XML;
* :mod:`.clusters` — UniRef and UniParc XML (light entries);
* :mod:`.xmltree` — the streaming and element lookups the XML readers share;
* :mod:`.isoforms` — the isoform sequence file (``uniprot_sprot_varsplic.fasta``).
"""

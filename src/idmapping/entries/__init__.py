"""Entry data: the UniProtKB, UniRef and UniParc datasets (:mod:`.datasets`), and the cells of
their return fields (:mod:`.kbcells`, :mod:`.clustercells`).
"""

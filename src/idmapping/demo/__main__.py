"""``python -m idmapping.demo DIR [--accessions N] [--seed S]``."""

from idmapping.demo.generator import main

main()

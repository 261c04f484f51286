from idmapping.cli import cli

cli()

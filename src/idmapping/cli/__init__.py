"""The command line, a thin shell over the library: ``idmapping serve | load | map | ...``.

:mod:`.commands` holds the click group and its commands; :mod:`.progress` what the terminal
shows (progress bars, the store report).
"""

from idmapping.cli.commands import cli

__all__ = ["cli"]

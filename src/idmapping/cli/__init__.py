"""The command line, a thin shell over the library: ``idmapping serve | load | map | ...``.

:mod:`.commands` holds the click group and its commands, each a few lines over a library
function; :mod:`.options` the options they share (made from the settings' declarations) and the
translation of the library's errors; :mod:`.progress` what the terminal shows (progress bars,
the store report).
"""

from idmapping.cli.commands import cli

__all__ = ["cli"]

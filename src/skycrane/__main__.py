"""``python -m skycrane``: the same as the ``skycrane`` command."""

from skycrane.cli import main

main()

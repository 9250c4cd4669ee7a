"""`python -m geocoop` is the `geocoop` command."""

from geocoop.cli import main

main()

"""``python -m discretion``."""

from .cli import main

main()

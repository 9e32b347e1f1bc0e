"""`python -m app …` is the `localddb` command."""

from app.cli import main

main()

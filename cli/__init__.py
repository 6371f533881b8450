"""The `kb` command line, on the top floor: it composes every package below it."""

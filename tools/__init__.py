"""The repository's maintenance tools, importable as a package: ``tools.course`` (the course's structure),
``tools.check_site`` and ``tools.check_binder`` (browser checks). Not part of the reader's package."""

"""Hostile input for every source, for tests/test_hostile*.py.

- ``payloads``: the hostile values (private data, markup, URLs, names, dates, slow text);
- ``comments``: one comment in source-neutral terms, and a writer per source that puts
  comments carrying those values into a site in the source's own format;
- ``xml_attacks`` and ``malformed``: whole files that attack or break each reader;
- ``exposure``: finding private data in what a user would see.
"""

"""Sphinx configuration for the pelican-community manual (``make docs``)."""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "pelican-community"
author = "pelican-community contributors"
copyright = "pelican-community contributors, AGPL-3.0-or-later"
release = metadata.version("pelican-community")
version = release

extensions = ["myst_parser", "community_reference"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "screenshots/*.md"]
# Headings up to ### get anchors, so "[your desk](#your-desk)" links resolve.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

html_theme = "furo"
html_title = "pelican-community"
html_static_path: list[str] = []

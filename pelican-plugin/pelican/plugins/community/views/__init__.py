"""What the pages show, computed from the archive's interactions: the view
model (``community``), its computation (``compute``), matching interactions
to posts (``matching``) and the people-file suggestions of ``check``."""

__all__: list[str] = []

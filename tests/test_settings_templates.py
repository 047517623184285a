"""Templates read the stylesheet's address and the story line from the checked settings."""

from __future__ import annotations


def test_the_stylesheet_is_linked_at_css_url(site):
    site.article("post-1", "First light", "2021-01-01")
    site.settings["COMMUNITY_CSS_URL"] = "theme/css/community.css"
    site.build()
    page = site.page("community/index.html")
    assert 'href="https://blog.example/theme/css/community.css"' in page
    assert "community/community.css" not in page
    # It is still written where COMMUNITY_CSS_SAVE_AS says.
    assert (site.output / "community" / "community.css").is_file()


def test_the_stylesheet_is_linked_where_it_is_written_by_default(site):
    site.article("post-1", "First light", "2021-01-01")
    site.build()
    page = site.page("community/index.html")
    assert 'href="https://blog.example/community/community.css"' in page

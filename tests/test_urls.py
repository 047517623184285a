"""The one URL normalizer: identity keys, post paths and safe links."""

from __future__ import annotations

import pytest
from pelican.plugins.community.urls import (
    handle_key,
    post_path,
    post_slug_guess,
    profile_handle_key,
    safe_http_url,
    site_host,
    url_key,
)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "\x01javascript:alert(1)",
        "data:text/html;base64,xx",
        "vbscript:msgbox",
        "//evil.example/",
        "mailto:a@b.example",
        "https://user:pw@host.example/",
        "https://secure.gravatar.com/avatar/abc",
        "ftp://x.example/",
        "",
        None,
        42,
    ],
)
def test_only_clean_http_urls_survive(url):
    assert safe_http_url(url) == ""


def test_identity_keys_ignore_scheme_www_case_and_slash():
    forms = [
        "http://www.Karen.example/",
        "https://karen.example",
        "HTTPS://KAREN.EXAMPLE/#x",
    ]
    assert {url_key(u) for u in forms} == {"url:karen.example"}
    assert (
        url_key("https://twitter.com/") == ""
        and url_key("https://twitter.com/karen") == "url:twitter.com/karen"
    )


def test_handles_and_profiles():
    assert handle_key("@Karen@Mastodon.Social") == "acct:karen@mastodon.social"
    assert (
        profile_handle_key("https://mastodon.social/@karen")
        == "acct:karen@mastodon.social"
    )
    assert (
        profile_handle_key("https://mastodon.social/users/karen")
        == "acct:karen@mastodon.social"
    )
    assert handle_key("karen.bsky.social") == profile_handle_key(
        "https://bsky.app/profile/karen.bsky.social"
    )
    assert handle_key("did:plc:abc123") == "did:plc:abc123"
    assert handle_key("just a name") == ""


@pytest.mark.parametrize(
    "url",
    [
        "https://www.jane.example/2013/03/my-post/comment-page-2/#comment-7",
        "http://jane.example/2013/03/my-post",
        "/2013/03/my-post/",
        "2013/03/my-post/index.html",
    ],
)
def test_post_paths_match_in_every_form(url):
    assert post_path(url) == "2013/03/my-post"


def test_old_permalink_slug():
    assert post_slug_guess("https://old.example/2013/03/04/my-post/") == "my-post"
    assert post_slug_guess("https://old.example/posts/my-post.html") == "my-post"


def test_gravatar_urls_behind_a_proxy_are_dropped():
    assert (
        safe_http_url("https://avatars.webmention.io/secure.gravatar.com/abc.jpg") == ""
    )
    assert safe_http_url("https://avatars.webmention.io/files.mastodon.social/a.png")


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://WWW.Example.ORG/post/", "example.org"),
        ("http://blog.example.org:8080/a?b#c", "blog.example.org"),
        ("https://www2.example.org/", "www2.example.org"),
        ("https://wwwexample.org/", "wwwexample.org"),
        ("https://user@www.example.org/", "example.org"),
        ("mailto:someone", ""),
        ("not a url", ""),
        ("http://[::1", ""),
        ("", ""),
    ],
)
def test_site_host_is_the_host_without_www(url, site):
    assert site_host(url) == site

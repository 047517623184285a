"""Opaque author keys for identity that rests on an email address."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Interaction

#: What Staticman-style ``md5``/``sha256`` transforms make of an empty email:
#: everyone who left the field blank, not one person.
_HASHES_OF_NO_EMAIL = frozenset(
    {
        "d41d8cd98f00b204e9800998ecf8427e",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    }
)


def email_keys(
    source_name: str, comments: Iterable[tuple[str, str, str]]
) -> dict[str, str]:
    """Map each email to ``source:email:ID``, ID being the id of the earliest
    comment with that email.

    ``comments`` holds ``(email, published, id)``; "earliest" is by
    ``published`` then ``id``, so the key is stable while that comment
    stays. Unlike a hash, the key says nothing about the address, which the
    caller drops. Emails are compared case-insensitively; "" (or the hash of
    "") is no email.
    """
    first_id: dict[str, str] = {}
    for email, _published, comment_id in sorted(comments, key=lambda c: (c[1], c[2])):
        email = email.strip().lower()
        if email and email not in _HASHES_OF_NO_EMAIL:
            first_id.setdefault(email, comment_id)
    return {email: f"{source_name}:email:{first}" for email, first in first_id.items()}


def with_email_keys(
    source_name: str, comments: Iterable[tuple[dict, str]]
) -> list[Interaction]:
    """Interactions from ``(fields, email)`` pairs, each with the opaque
    ``author_key`` of its email (the email itself is dropped here)."""
    comments = list(comments)
    keys = email_keys(
        source_name,
        ((email, fields["published"], fields["id"]) for fields, email in comments),
    )
    return [
        Interaction(
            source=source_name, author_key=keys.get(email.strip().lower(), ""), **fields
        )
        for fields, email in comments
    ]

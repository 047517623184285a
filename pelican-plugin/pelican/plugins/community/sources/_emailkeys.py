"""Opaque author keys for identity that rests on an email address.

A key stands for an email *under one signed name*: comments signed "Jane
Doe" and "SecretCritic" from one address get two keys, so the archive, often
public, links no comments their writer did not link in public. Under a
placeholder name ("Anonymous") an email gets no key at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Interaction, InteractionFields
from ..names import is_placeholder_email, is_placeholder_name, name_key

__all__ = [
    "email_keys",
    "signed_email",
    "with_email_keys",
]

#: What Staticman-style ``md5``/``sha256`` transforms make of an empty email:
#: everyone who left the field blank, not one person.
_HASHES_OF_NO_EMAIL = frozenset(
    {
        "d41d8cd98f00b204e9800998ecf8427e",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    }
)


def signed_email(email: str, name: str) -> str:
    """What an author key stands for: ``email`` as signed by ``name``; ""
    for no email (blank, the hash of a blank one, a no-reply or example
    address: :func:`~..names.is_placeholder_email`) or a placeholder name."""
    email = email.strip().lower()
    if (
        not email
        or email in _HASHES_OF_NO_EMAIL
        or _no_one(email)
        or is_placeholder_name(name)
    ):
        return ""
    return f"{email}\n{name_key(name)}".lower()


def _no_one(email: str) -> bool:
    # A hash (no "@") is judged by its reader; an address by the shared rule.
    return "@" in email and is_placeholder_email(email.split("\n", 1)[0])


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
        if email and email not in _HASHES_OF_NO_EMAIL and not _no_one(email):
            first_id.setdefault(email, comment_id)
    return {email: f"{source_name}:email:{first}" for email, first in first_id.items()}


def with_email_keys(
    source_name: str, comments: Iterable[tuple[InteractionFields, str]]
) -> list[Interaction]:
    """Interactions from ``(fields, email)`` pairs, each with the opaque
    ``author_key`` of its email as signed (the email itself is dropped here)."""
    comments = [
        (fields, signed_email(email, fields.get("author_name", "")))
        for fields, email in comments
    ]
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

"""The people file's ``hide`` rules: which interactions are never shown.

A rule hides interactions, not whole merged people: hiding a domain removes
what came from it, not a friend that one spoofed mention (a page on that
domain claiming her address) was merged into. Only a rule that matches a
people-file entry itself (one of its names, URLs or handles, or the domain
of one of its URLs) hides that whole person: the author said who that is.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..memo import Memo
from ..model import Interaction
from ..names import name_key
from ..urls import handle_key, site_host, url_key, without_www
from .identity import Identity, Signatures
from .people_file import HideRule, PersonEntry

__all__ = [
    "RuleIndex",
    "Rules",
    "hidden_interactions",
    "hides_entry",
    "rule_index",
]


def hides_entry(entry: PersonEntry | None, rules: Rules) -> bool:
    """Whether a rule names this people-file entry (one of its names, URLs
    or handles, or the domain of one of its URLs): the whole person is
    hidden then, pinned or not."""
    if entry is None:
        return False
    if not rules:
        return False
    index = rule_index(rules)
    return (
        not index.names.isdisjoint(name_key(name) for name in entry.names)
        or not index.keys.isdisjoint(entry.identity_keys())
        or any(index.hides_host(site_host(url)) for url in entry.urls)
    )


def hidden_interactions(
    identity: Identity, rules: Rules, signatures: Signatures | None = None
) -> list[Interaction]:
    """The person's interactions that a rule matches by what each one shows:
    its name, its author's address or handle, or where it was written (a
    mention's page counts: that is where a spoofed mention comes from).
    ``signatures``: the computation's (each signature read once)."""
    if not rules:
        return []
    index = rule_index(rules)
    signatures = signatures or Signatures(Memo())
    name_key_of, keys_of = signatures.name_key, signatures.keys
    # A person signs many interactions alike: each signature (the name, keys
    # and site the rules compare) is checked once.
    signed: dict[tuple[str, frozenset[str], str], bool] = {}
    hidden = []
    for item in identity.items:
        name, keys = name_key_of[item.author_name], keys_of(item)
        signature = (name, keys, item.author_url)
        by_author = signed.get(signature)
        if by_author is None:
            by_author = signed[signature] = (
                name in index.names
                or not index.keys.isdisjoint(keys)
                or index.hides_url_host(item.author_url)
            )
        if by_author or index.hides_url_host(item.url):
            hidden.append(item)
    return hidden


@dataclass(frozen=True)
class RuleIndex:
    """The rules' terms gathered by what they compare, so that checking an
    interaction costs a few set lookups whatever the number of rules. Made
    once per computation (:func:`rule_index`) and passed to each check."""

    names: frozenset[str]  #: name keys of ``name`` rules
    keys: frozenset[str]  #: identity keys of ``handle`` and ``url`` rules
    sites: frozenset[str]  #: hosts of ``url`` rules that name a bare site
    domains: frozenset[str]  #: ``domain`` rules: the domain and its subdomains
    terms: tuple[str, ...]  #: the sites and domains, as a URL writes them

    def __bool__(self) -> bool:
        return bool(self.names or self.keys or self.sites or self.domains)

    def hides_url_host(self, url: str) -> bool:
        """Whether a rule hides the site ``url`` is on."""
        if not self.terms:
            return False
        # A host is written in its URL: most URLs contain no rule's term,
        # and need no reading apart.
        lowered = url.lower()
        for term in self.terms:
            if term in lowered:
                return self.hides_host(site_host(url))
        return False

    def hides_host(self, host: str) -> bool:
        if not host:
            return False
        if host in self.sites or host in self.domains:
            return True
        # Each parent domain of the host: "a.b.example" -> "b.example", "example".
        dot = host.find(".")
        while dot != -1:
            if host[dot + 1 :] in self.domains:
                return True
            dot = host.find(".", dot + 1)
        return False


#: The rules as the people file gives them, or already gathered.
Rules = tuple[HideRule, ...] | RuleIndex


def rule_index(rules: Rules) -> RuleIndex:
    """The rules gathered by what they compare (as they are, if already)."""
    if isinstance(rules, RuleIndex):
        return rules
    names, keys, sites, domains = set(), set(), set(), set()
    for rule in rules:
        key, host = _rule_terms(rule)
        if rule.field == "name":
            names.add(key)
        elif rule.field == "domain":
            domains.add(host)
        else:
            keys.add(key)
            sites.add(host)
    keys.discard("")
    sites.discard("")
    return RuleIndex(
        frozenset(names),
        frozenset(keys),
        frozenset(sites),
        frozenset(domains),
        tuple(sorted(sites | domains)),
    )


def _rule_terms(rule: HideRule) -> tuple[str, str]:
    """What a rule compares, normalized once: (identity key, host or domain).

    ``name``: its name key; ``handle``: its handle key; ``url``: its URL key,
    and its host when the URL is a bare site; ``domain``: the domain.
    """
    if rule.field == "name":
        return name_key(rule.value), ""
    if rule.field == "handle":
        return handle_key(rule.value), ""
    if rule.field == "url":
        bare_site = not urlsplit(rule.value).path.strip("/")
        return url_key(rule.value), site_host(rule.value) if bare_site else ""
    domain = rule.value.lower().strip().strip(".")
    return "", without_www(domain)

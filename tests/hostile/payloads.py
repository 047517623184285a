"""Hostile values: private data that must never show, markup, URLs, names, dates and text built to be slow."""

from __future__ import annotations

import hashlib

ARTICLE_SLUG = "post-1"
ARTICLE_URL = f"https://blog.example/{ARTICLE_SLUG}/"
OLD_URL = f"https://old.example/2013/03/04/{ARTICLE_SLUG}/"

# -- private data: none of it may reach a page, the report or the archive ------

EMAIL = "mallory.secret@mail.example"
IPV4 = "203.0.113.9"
IPV6 = "2001:db8:85a3::8a2e:370:7334"
EMAIL_HASH = hashlib.md5(EMAIL.encode()).hexdigest()
PRIVATE_VALUES = (EMAIL, IPV4, IPV6, EMAIL_HASH)

# -- payloads ------------------------------------------------------------------

#: Markup that runs script if it reaches a page unescaped or badly sanitized.
XSS_MARKUP = (
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="java\tscript:alert(1)">tab</a>',
    '<a href="java\nscript:alert(1)">newline</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">hex entities</a>',
    '<a href="jav&#x09;ascript:alert(1)">entity tab</a>',
    '<a href="&#x01; javascript:alert(1)">control char</a>',
    '<a href=" \x01javascript:alert(1)">raw control</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vbscript</a>',
    '<a href="//evil.example/steal">protocol-relative</a>',
    '<a href="\\\\evil.example/steal">backslashes</a>',
    '<a href="https://fine.example/" onclick="alert(1)" style="background:url(javascript:alert(1))">styled</a>',
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)' x='",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<svg><script xlink:href=data:,alert(1) /></svg>",
    '<math><a xlink:href="javascript:alert(1)">math link</a></math>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<object data="javascript:alert(1)"></object><embed src=javascript:alert(1)>',
    '<form action="javascript:alert(1)"><button formaction=javascript:alert(1)>go</button></form>',
    '<base href="javascript:alert(1)//"><meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<div style="width:expression(alert(1))">ie</div>',
    "<template><img src=x onerror=alert(1)></template>",
    "<select><style></select><img src=x onerror=alert(1)></style>",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}{% raw %}<script>alert(1)</script>",
)

#: URLs that must never be linked (author URLs, avatars, permalinks, targets).
XSS_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    " \x01\x02javascript:alert(1)",
    "\x00javascript:alert(1)",
    "\u2028javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "//evil.example/steal",
    "\\\\evil.example\\steal",
    "/\\evil.example",
    "https:evil.example",
    "http://user:pass@evil.example/",
    'https://evil.example/"><svg onload=alert(1)>',
    "https://evil.example/' onmouseover='alert(1)",
    'https://evil.example/" onmouseover="alert(1)',
    "http://evil.example:99999/",
    "https://evil.example:abc/",
    "https://evil.example\u00a0.example/",
    "https://evil.example/\u202egnp.exe",
    "file:///etc/passwd",
    "ftp://evil.example/",
    "mailto:" + EMAIL,
    "<script>alert(1)</script>",
)

#: Plain-text fields (names, titles, dates, ids) holding markup.
TEXT_MARKUP = (
    '<script>alert("name")</script>Mallory',
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "<b>Bold</b> <i>Name</i>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 7*7 }} {% if 1 %}x{% endif %}",
    "</span></a><script>alert(1)</script>",
)

#: Names that try to pass for someone else or swamp the page.
SPOOF_NAMES = (
    "Karen Bell\u202e",
    "\u202eKaren Bell",
    "Mallory\u202egnp.exe",
    "Ka\u200bren\u200d Be\u2060ll",
    "\ufeffKaren Bell\u200f",
    "\u2066Karen\u2069 Bell",
    "K" * 10_000,
    "Mallory " * 1_500,
    "\x07\x1b[31mRed\x1b[0m",
)

#: Private data typed into ordinary fields.
PRIVATE_TEXT = (
    f"write me at {EMAIL}",
    f"my address is {IPV4}",
    f"my address is {IPV6}",
    f"{EMAIL.upper()} from {IPV4}",
    "mallory.secret&#64;mail.example",
    "mallory.secret%40mail.example",
    f'<a href="mailto:{EMAIL}">mail me</a> <a href="http://{IPV4}/">home</a>',
    f'<a href="https://fine.example/?from={EMAIL}">fine</a>',
)
PRIVATE_URLS = (
    f"mailto:{EMAIL}",
    f"http://{IPV4}/",
    f"http://[{IPV6}]/",
    f"https://fine.example/?email={EMAIL}",
    f"https://www.gravatar.com/avatar/{EMAIL_HASH}",
    f"https://avatars.webmention.io/www.gravatar.com/{EMAIL_HASH}.jpg",
    f"https://secure.gravatar.com/avatar/{EMAIL_HASH}?s=96&d=mm",
)

#: What, repeated, costs a careless regular expression quadratic time.
SLOW_UNITS = ("a", "1", "a.", "1.", "a:", "ab:", "@a", "x@a.", "<", "&#64;", "a.1:")
#: Text that costs a careless regular expression quadratic time.
SLOW_TEXT = tuple(unit * (20_000 // len(unit)) for unit in SLOW_UNITS)

#: Dates no source should choke on.
BAD_DATES = (
    "<script>alert(1)</script>",
    "0000-00-00 00:00:00",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "Sat, 31 Dec 9999 23:59:59 -0500",
    "2020-13-45T99:99:99Z",
    "99999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "",
    "2020-01-02T10:00:00+00:00\x00",
)

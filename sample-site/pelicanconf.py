"""Settings for the pelican-community demo: Maren Ashdown's blog."""

AUTHOR = "Maren Ashdown"
SITENAME = "Maren Ashdown"
SITESUBTITLE = "Notes from a novelist's desk, somewhere near the estuary"
SITEURL = ""
RELATIVE_URLS = True

THEME = "../theme"
PATH = "content"
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["pages"]
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

ARTICLE_URL = "{slug}/"
ARTICLE_SAVE_AS = "{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False
DEFAULT_PAGINATION = 6

# The demo has no real domain, so it publishes no feeds.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None

PLUGINS = ["pelican.plugins.community"]

# The demo's Mastodon and Bluesky hosts are fictional: build from the committed
# archive only. A real site leaves this out (or sets it in CI's build step).
COMMUNITY_OFFLINE = True

# The first three sources are files saved in data/; the last two are live:
# each build (unless offline) reads the replies, favourites and boosts of the
# posts whose metadata names their Mastodon or Bluesky announcement. What they
# brought is in community-archive/, committed, so `make demo` (which builds
# offline) needs no network.
COMMUNITY_SOURCES = [
    # The old WordPress blog (2013-2020), exported from Tools > Export.
    {"type": "wordpress", "path": "data/wordpress-export.xml"},
    # The comment service used since the move, saved from its site-wide feed.
    {"type": "feed", "path": "data/comments.rss"},
    # webmention.io, saved as JF2: replies from blogs, likes via Bridgy.
    {"type": "webmention.io", "path": "data/webmentions.json"},
    # Replies under the announcement toot (`Mastodon:` in a post's metadata).
    {"type": "mastodon"},
    # Replies under the announcement post (`Bluesky:` in a post's metadata).
    {"type": "bluesky"},
]
COMMUNITY_PEOPLE_FILE = "community.yaml"
COMMUNITY_ARCHIVE_PATH = "community-archive"
COMMUNITY_JSON_SAVE_AS = "community/community.json"

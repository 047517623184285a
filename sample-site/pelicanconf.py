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

# Thirteen years of comments, in the order Maren used each place. The first
# eight are files saved in data/ (read again only when they change); the last
# two are live: each build (unless offline) reads the replies, favourites and
# boosts of the posts whose metadata names their Mastodon or Bluesky
# announcement. What every source brought is in community-archive/,
# committed, so `make demo` (which builds offline) needs no network.
COMMUNITY_SOURCES = [
    # 2013: Estuary Notes, her first blog, on Blogger. For its last months
    # each new post went up there too, for readers who followed her through
    # Blogger; a few of them commented on those copies. Google Takeout.
    {"type": "blogger", "path": "data/blogger-takeout.atom"},
    # The WordPress blog (2013-2020), exported from Tools > Export.
    {"type": "wordpress", "path": "data/wordpress-export.xml"},
    # March 2019 to the move: the WordPress blog's comments ran on Disqus,
    # so WordPress never saw them. Disqus's XML export, from its admin.
    {"type": "disqus", "path": "data/disqus-export.xml"},
    # 2021, just after the move to Pelican: comments arrived by email and
    # were saved as files for the pelican_comment_system plugin.
    {"type": "pelican-comment-system", "path": "data/pelican-comments"},
    # 2022 to summer 2023: Staticman committed each comment as a YAML file.
    {"type": "staticman", "path": "data/staticman"},
    # Autumn 2023 to spring 2024: hosted Commento, from the launch of The
    # Salt Year until she left it; its JSON export.
    {"type": "commento", "path": "data/commento-export.json"},
    # The comment box used since June 2024, saved from its site-wide feed.
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

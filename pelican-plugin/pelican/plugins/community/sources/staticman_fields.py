"""The Staticman field names a ``staticman`` source may set, and their defaults.

Apart from the reader so that validating settings does not load it (nor YAML).
"""

from __future__ import annotations

#: Option key -> field names tried in order (comma-separated in settings).
FIELD_DEFAULTS: dict[str, str] = {
    "id_field": "_id",
    "name_field": "name",
    "email_field": "email",
    "url_field": "url,website",
    "message_field": "message,comment",
    "date_field": "date",
    "parent_field": "replying_to_uid,parent",
    "parent_index_field": "replying_to",
    "slug_field": "slug",
}

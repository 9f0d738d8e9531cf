"""Rules about values that must agree with each other, or with the file's name."""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Final
from urllib.parse import urlsplit

from newsmeta._yamltree import Finding, JSONValue
from newsmeta.rules.base import RuleContext, finding, rule

_FILE_DATE: Final = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
#: How far in the future a publication time may be before it is reported (clock skew).
FUTURE_TOLERANCE: Final = timedelta(hours=1)


# scheme://[userinfo@]host[:port]: enough for the http(s) URLs the schema allows.
_SIMPLE_HOST: Final = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^@:/?#\[\]]*)(?:[:/?#]|$)"
)


def url_host(url: str) -> str:
    """The lower-case host of ``url``, or ``""`` when it has none or cannot be parsed."""
    match = _SIMPLE_HOST.match(url)
    if match is not None:
        return match.group(1).lower()
    try:  # IPv6 literals and odd forms: let the standard library decide
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # e.g. an unbalanced '[' or ']' in the host
        return ""


def cdn_amp_url(amp_url: str) -> str | None:
    """The Google AMP cache URL derived from ``amp_url``, or None if it has no host.

    ``https://<host, '-' doubled, '.' as '-'>.cdn.ampproject.org/c/s/<url without scheme>``.
    """
    hostname = url_host(amp_url)
    if not hostname or "://" not in amp_url:
        return None
    host = hostname.replace("-", "--").replace(".", "-")
    return f"https://{host}.cdn.ampproject.org/c/s/{amp_url.split('://', 1)[1]}"


def _entries(data: dict[str, JSONValue]) -> Iterator[tuple[list[str | int], dict[str, JSONValue]]]:
    """The article and each related article, with the path to it."""
    yield [], data
    related = data.get("related")
    if isinstance(related, list):
        for index, item in enumerate(related):
            if isinstance(item, dict):
                yield ["related", index], item


@rule("url-cdn-amp-mismatch")
def cdn_amp(context: RuleContext) -> Iterator[Finding]:
    """``cdnAmpWebUrl`` that is not the derivation of ``ampWebUrl``."""
    for parts, entry in _entries(context.data):
        amp, cdn = entry.get("ampWebUrl"), entry.get("cdnAmpWebUrl")
        if isinstance(amp, str) and isinstance(cdn, str):
            expected = cdn_amp_url(amp)
            if expected is not None and cdn != expected:
                yield finding(
                    context,
                    "url-cdn-amp-mismatch",
                    f"cdnAmpWebUrl should be {expected!r}, derived from ampWebUrl.",
                    [*parts, "cdnAmpWebUrl"],
                )


@rule("url-provider-domain-mismatch")
def provider_domain(context: RuleContext) -> Iterator[Finding]:
    """``provider.domain`` that is not a suffix of the article URL's host."""
    for parts, entry in _entries(context.data):
        provider = entry.get("provider")
        # The article's own page only: a video's originalUrl is its hosting platform
        # (youtube.com), which the provider (the channel's owner) never matches.
        url = entry.get("webUrl")
        if not isinstance(provider, dict) or not isinstance(url, str) or not url:
            continue
        domain = provider.get("domain")
        host = url_host(url)
        if (
            isinstance(domain, str)
            and domain
            and host
            and host != domain
            and not host.endswith("." + domain)
        ):
            yield finding(
                context,
                "url-provider-domain-mismatch",
                f"The provider domain {domain!r} is not part of the URL's host {host!r}.",
                [*parts, "provider", "domain"],
            )


@rule("url-web-original-mismatch")
def web_vs_original(context: RuleContext) -> Iterator[Finding]:
    """``webUrl`` different from ``originalUrl`` when both are present."""
    web, original = context.data.get("webUrl"), context.data.get("originalUrl")
    if isinstance(web, str) and isinstance(original, str) and web != original:
        yield finding(
            context,
            "url-web-original-mismatch",
            "webUrl differs from originalUrl; real articles keep them equal.",
            ["webUrl"],
        )


@rule("url-insecure")
def insecure(context: RuleContext) -> Iterator[Finding]:
    """URLs that use ``http://`` instead of ``https://``."""
    if not context.text_may_hold("http://"):
        return
    for parts, value in context.strings:
        key = parts[-1]
        if isinstance(key, str) and key.lower().endswith("url") and value.startswith("http://"):
            yield finding(
                context,
                "url-insecure",
                "The URL uses http://; use https://.",
                parts,
            )


@rule("heat-published-mismatch")
def heat_published(context: RuleContext) -> Iterator[Finding]:
    """``heat: -1`` on an article that is ``published: true``."""
    if context.data.get("heat") == -1 and context.data.get("published") is True:
        yield finding(
            context,
            "heat-published-mismatch",
            "heat is -1, which only unpublished articles carry, but published is true.",
            ["heat"],
        )


def secured_defect(value: str) -> str | None:
    """Why ``value`` is not ``base64(ciphertext);base64(16-byte IV)``, or None if it is."""
    cipher, sep, iv = value.partition(";")
    if not sep:
        return "it has no ';' between ciphertext and IV"
    try:
        cipher_bytes = base64.b64decode(cipher, validate=True)
        iv_bytes = base64.b64decode(iv, validate=True)
    except (binascii.Error, ValueError):
        return "a part is not valid base64"
    if len(iv_bytes) != 16:
        return f"the IV is {len(iv_bytes)} bytes, not 16"
    if not cipher_bytes or len(cipher_bytes) % 16:
        return f"the ciphertext is {len(cipher_bytes)} bytes, not a multiple of 16"
    return None


@rule("secured-malformed")
def secured(context: RuleContext) -> Iterator[Finding]:
    """A ``secured`` value whose parts do not decode as an AES ciphertext and IV."""
    value = context.data.get("secured")
    if isinstance(value, str):
        defect = secured_defect(value)
        if defect is not None:
            yield finding(
                context,
                "secured-malformed",
                f"The secured value is malformed: {defect}.",
                ["secured"],
            )


def _published(entry: dict[str, JSONValue]) -> datetime | None:
    value = entry.get("publishedDateTime")
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@rule("date-in-future")
def future(context: RuleContext) -> Iterator[Finding]:
    """``publishedDateTime`` later than now (beyond an hour of clock skew)."""
    moment = _published(context.data)
    if moment is not None and moment > datetime.now(UTC) + FUTURE_TOLERANCE:
        yield finding(
            context,
            "date-in-future",
            "publishedDateTime is in the future.",
            ["publishedDateTime"],
        )


@rule("date-filename-mismatch")
def filename_date(context: RuleContext) -> Iterator[Finding]:
    """A file name's ``YYYY-MM-DD`` prefix more than a day from ``publishedDateTime``."""
    if context.path is None:
        return
    # os.path rather than pathlib: this runs for every file, and PurePath costs more.
    match = _FILE_DATE.match(os.path.basename(context.path))
    moment = _published(context.data)
    if match is None or moment is None:
        return
    try:
        named = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return
    try:
        published = moment.astimezone(UTC).date()
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is past the last UTC date
        return
    if abs((named - published).days) > 1:
        yield finding(
            context,
            "date-filename-mismatch",
            f"The file name says {named.isoformat()} but publishedDateTime is "
            f"{published.isoformat()} (UTC).",
            ["publishedDateTime"],
        )


@rule("related-duplicate")
def related_duplicates(context: RuleContext) -> Iterator[Finding]:
    """Two ``related`` entries with the same ``webUrl``."""
    if "related" not in context.data:
        return  # (most articles: the cheapest way to find nothing)
    seen: set[str] = set()
    for parts, entry in _entries(context.data):
        if not parts:
            continue
        url = entry.get("webUrl")
        if isinstance(url, str) and url:
            if url in seen:
                yield finding(
                    context,
                    "related-duplicate",
                    "This related article repeats an earlier entry's webUrl.",
                    [*parts, "webUrl"],
                )
            seen.add(url)


@rule("related-self")
def related_self(context: RuleContext) -> Iterator[Finding]:
    """A ``related`` entry that points at the article itself."""
    if "related" not in context.data:
        return
    own = {
        u
        for u in (context.data.get("webUrl"), context.data.get("originalUrl"))
        if isinstance(u, str)
    }
    for parts, entry in _entries(context.data):
        url = entry.get("webUrl")
        if parts and isinstance(url, str) and url in own:
            yield finding(
                context,
                "related-self",
                "This related article is the article itself.",
                [*parts, "webUrl"],
            )

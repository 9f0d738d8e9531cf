"""Generate a deterministic synthetic corpus of news-article files for benchmarks and tests.

Usage::

    python benchmarks/make_corpus.py OUTDIR --count 10000 --seed 1 --invalid-rate 0.02 \
        [--related-rate 0.25] [--extract-yaml OUTDIR2] [--manifest MANIFEST.json]

Every file is ``---\\n<YAML front matter>---\\n\\n`` in the house style of the real files
(``/work/shared/FORMAT.md``): canonical key order; double-quoted title, excerpt, URLs,
``featuredContent`` and ``secured``; plain category, type, numbers, booleans, provider name and
domain, topic items and timestamps (``2020-07-16T19:15:00Z``, unquoted); 2-space indentation,
sequences indented under their key; a blank line before each block-valued top-level key (and
before the scalar key that follows a block). File names look like ``2020-07-16-some-slug.md``.
All text is made up from the word lists below: nothing is copied from the real corpus.

Determinism: file ``i`` is generated from its own ``random.Random(f"{seed}:{i}")``, so the same
``--seed`` gives byte-identical files on every run and every machine, and the first N files of a
``--count 2N`` corpus are the files of a ``--count N`` corpus (file names included, unless two
titles collide, which the slug suffix ``-2``, ``-3`` resolves deterministically).

Invalid files: each file independently gets exactly one injected defect with probability
``--invalid-rate``, the kind drawn uniformly from ``DEFECTS``:

==================  ===========================================================================
``wrong_type``      ``quality: "high"``
``enum``            ``type: blog``
``minimum``         ``width: 0`` in the first top-level image (an image is added if there is none)
``bad_url``         ``webUrl``/``originalUrl`` without its scheme (a relative reference: fails an
                    ``iri``/``uri`` format check and any ``^https?://`` pattern)
``bad_date``        ``publishedDateTime: yesterday``
``unknown_key``     an extra ``publishDateTime:`` line after ``publishedDateTime`` (the typo key
                    is *added*, not renamed, so the file has exactly one schema error)
``missing_key``     no ``secured``
``null_topic``      a ``  - `` line (null item) appended to ``topics``
``duplicate_key``   a second ``quality:`` line with another valid value. YAML 1.2 loaders that
                    check keys (ruamel.yaml) reject it; PyYAML silently keeps the last value, and
                    no JSON Schema validator can see it
``yaml_syntax``     the closing quote of ``title`` removed (unclosed quote)
==================  ===========================================================================

``--manifest PATH`` writes ``{"files": {name: defect-or-null}, "counts": {...}}`` (kept out of
OUTDIR so that a tool walking OUTDIR sees only articles).

Valid files also carry the real data's oddities that a validator must *accept*: ``heat: -1`` with
``published: false`` (29%), curly quotes, dashes and accented letters, HTML entities in 5% of
excerpts, ``\\r\\n`` escapes in excerpts, mojibake (``â€™``), trailing no-break spaces in
titles, placeholder excerpts, ``quality: 0``, rare ``removed: true``, rare non-ASCII URLs (IRIs),
videos with ``featuredContent`` and no ``webUrl``, related videos with ``webUrl: ""``.

``--extract-yaml OUTDIR2`` also writes each file's front matter alone (the bytes between the
fences) as ``OUTDIR2/<stem>.yaml``, for check-jsonschema, which cannot read a ``.md`` with fences.
Timestamps are left *unquoted*, on purpose: check-jsonschema 0.39 loads YAML with
``ruamel.yaml`` ``YAML(typ="safe")`` (C parser, pure-Python fallback) and replaces the
``tag:yaml.org,2002:timestamp`` constructor with the ``str`` one
(``check_jsonschema/parsers/yaml.py``), so ``publishedDateTime: 2020-07-16T19:15:00Z`` reaches
the schema as the string ``"2020-07-16T19:15:00Z"``, exactly the JSON view newsmeta validates
(``DESIGN.md``: "YAML timestamps become RFC 3339 strings"). Checked by running it: an unquoted
timestamp passes ``{"type": "string", "format": "date-time"}`` and ``yesterday`` fails. Quoting
them would change nothing for check-jsonschema and would make the extracted text differ from
the ``.md``, so both tools see the same bytes and the same data. (check-jsonschema also rejects
duplicate keys, since ruamel's safe loader does; ``--default-filetype`` is not needed because
the files end in ``.yaml``.)
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final, TypeAlias

DEFECTS: Final[tuple[str, ...]] = (
    "wrong_type",
    "enum",
    "minimum",
    "bad_url",
    "bad_date",
    "unknown_key",
    "missing_key",
    "null_topic",
    "duplicate_key",
    "yaml_syntax",
)


class Plain(str):
    """A string emitted as a plain (unquoted) YAML scalar. Every other ``str`` is double-quoted."""

    __slots__ = ()


Scalar: TypeAlias = "str | int | bool | None"
Node: TypeAlias = "Scalar | dict[str, Node] | list[Node]"
Mapping_: TypeAlias = "dict[str, Node]"

# --------------------------------------------------------------------------------------------
# Word lists (written for this generator).

PROVIDERS: Final[tuple[tuple[str, str], ...]] = (
    ("Tech Ledger", "techledger.com"),
    ("The Byte Report", "bytereport.net"),
    ("Circuit Daily", "circuitdaily.com"),
    ("Northwind Times", "northwindtimes.com"),
    ("Silicon Harbor", "siliconharbor.io"),
    ("Data Frontier", "datafrontier.org"),
    ("Cloud Courier", "cloudcourier.com"),
    ("The Signal Post", "signalpost.co.uk"),
    ("Quantum Weekly", "quantumweekly.com"),
    ("Dev Dispatch", "devdispatch.dev"),
    ("Enterprise Wire", "enterprisewire.com"),
    ("Mobile Meridian", "mobilemeridian.com"),
    ("Le Réseau", "lereseau.fr"),
    ("Café Numérique", "cafenumerique.fr"),
    ("Zukunft Digital", "zukunft-digital.de"),
    ("Pacific Tech Review", "pacifictechreview.com"),
    ("Startup Compass", "startupcompass.co"),
    ("Infra Insider", "infrainsider.com"),
    ("Security Beacon", "securitybeacon.net"),
    ("AI Chronicle", "aichronicle.ai"),
    ("Robotics Today Online", "roboticstoday.online"),
    ("Chip Talk", "chiptalk.com"),
    ("Gadget Grove", "gadgetgrove.com"),
    ("Open Source Herald", "opensourceherald.org"),
    ("Low Code Journal", "lowcodejournal.com"),
    ("Business Pulse", "businesspulse.com"),
    ("Market Lens", "marketlens.com"),
    ("Health Tech Monitor", "healthtechmonitor.com"),
    ("FinServ Digest", "finservdigest.com"),
    ("Retail Systems Now", "retailsystemsnow.com"),
    ("Edge Computing World", "edgecomputingworld.com"),
    ("Vision Systems Design Online", "visionsystemsonline.com"),
    ("The Stack Exchange Times", "stacktimes.news"),
    ("Maker Bulletin", "makerbulletin.com"),
    ("Mundo Tecnológico", "mundotecnologico.es"),
    ("Nordic Code", "nordiccode.se"),
    ("Bharat Tech", "bharattech.in"),
    ("Outback Digital", "outbackdigital.com.au"),
    ("Maple Bytes", "maplebytes.ca"),
    ("Platform Watch", "platformwatch.com"),
)

VIDEO_PROVIDER: Final = ("YouTube", "youtube.com")

TOPICS: Final[tuple[str, ...]] = (
    "AI",
    "Machine Learning",
    "Computer Vision",
    "Natural Language Processing",
    "Robotics",
    "Power Apps",
    "Low-code",
    "Cloud Computing",
    "Cybersecurity",
    "Data Privacy",
    "Quantum Computing",
    "Edge Computing",
    "Semiconductors",
    "Internet of Things",
    "Autonomous Vehicles",
    "Augmented Reality",
    "Blockchain",
    "DevOps",
    "Open Source",
    "Teams integration",
    "Canvas apps",
    "Model-driven apps",
    "Portals",
    "AI Builder",
    "Digital Health",
    "Fintech",
    "5G",
    "Smart Cities",
    "Drones",
    "Wearables",
)

ORGS: Final[tuple[str, ...]] = (
    "Contoso",
    "Fabrikam",
    "Northwind Traders",
    "Tailspin Toys",
    "Adventure Works",
    "Litware",
    "Proseware",
    "Wingtip Systems",
    "Coho Vineyard",
    "Lucerne Publishing",
    "Alpine Ski House",
    "Woodgrove Bank",
    "Trey Research",
    "Fourth Coffee",
    "Humongous Insurance",
    "Blue Yonder Airlines",
    "Margie's Travel",
    "Société Lumière",
    "Müller Logistik",
    "Graphic Design Institute",
    "City Power & Light",
    "the European Commission",
    "a regional hospital network",
    "the state transport agency",
)

TECH: Final[tuple[str, ...]] = (
    "facial recognition",
    "generative AI",
    "machine learning",
    "low-code tools",
    "edge computing",
    "computer vision",
    "robotic process automation",
    "quantum sensors",
    "private 5G networks",
    "digital twins",
    "large language models",
    "zero-trust security",
    "synthetic data",
    "autonomous drones",
    "smart glasses",
    "serverless platforms",
    "open-source databases",
    "chatbots",
)

VERBS_PAST: Final[tuple[str, ...]] = (
    "rolls out",
    "launches",
    "expands",
    "pilots",
    "unveils",
    "doubles down on",
    "invests in",
    "scraps",
    "delays",
    "opens up",
    "brings",
    "adds",
)

GOALS: Final[tuple[str, ...]] = (
    "cut costs",
    "speed up claims processing",
    "monitor equipment health",
    "track attendance",
    "answer customer questions",
    "detect fraud",
    "reduce waiting times",
    "manage field inspections",
    "automate invoices",
    "predict demand",
    "keep warehouses safe",
    "improve crop yields",
)

AUDIENCES: Final[tuple[str, ...]] = (
    "developers",
    "IT leaders",
    "small businesses",
    "hospitals",
    "retailers",
    "citizen developers",
    "regulators",
    "schools",
)

INDUSTRIES: Final[tuple[str, ...]] = (
    "banking",
    "manufacturing",
    "healthcare",
    "logistics",
    "retail",
    "farming",
    "insurance",
    "education",
    "energy",
    "public transport",
)

NOUNS: Final[tuple[str, ...]] = (
    "platform",
    "preview",
    "toolkit",
    "pilot programme",
    "assistant",
    "dashboard",
    "partnership",
    "update",
    "release wave",
    "service",
)

ADJS: Final[tuple[str, ...]] = (
    "new",
    "faster",
    "cheaper",
    "open",
    "experimental",
    "enterprise-grade",
    "privacy-first",
    "cloud-native",
)

SENTENCES: Final[tuple[str, ...]] = (
    "{org} said on {weekday} that it will use {tech} to {goal} across its {n} sites.",
    "The move comes as {audience} look for ways to {goal} without hiring more staff.",
    "Critics warn that {tech} still struggles with edge cases, and that {audience} may "
    "not be ready.",
    "According to the company, the {adj} {noun} has been tested by more than {n:,} users "
    "since {month}.",
    "It's the latest sign that {tech} is moving from research labs into {industry}.",
    '{org}\'s chief technology officer described the results as "encouraging but early."',
    "Analysts expect spending on {tech} in {industry} to grow by {pct}% over the next three years.",
    "The {noun} is available in preview today and will reach general availability in {month}.",
    "Suddenly everyone is talking about {tech}, and {org} wants to be first.",
    "Unlike earlier attempts, the system runs entirely on the device, so no images leave "
    "the building.",
    "Here's what {audience} need to know before they sign up.",
    "Regulators in {n} countries are now looking at how {tech} is used in {industry}.",
    "The {noun} also connects to existing spreadsheets, forms and approval flows.",
    "Early customers include {org} and {org2}, which use it to {goal}.",
)

TITLES: Final[tuple[str, ...]] = (
    "{org} {verb} {tech} to {goal}",
    "How {org} is using {tech} to {goal}",
    "{Tech}: what {audience} need to know in {year}",
    "{org} announces {adj} {tech} {noun}",
    "Why {tech} could change {industry} in {year}",
    "{n} ways {tech} is changing {industry}",
    "{org} and {org2} team up on {tech} for {industry}",
    "Report: {audience} are not ready for {tech}",
    "Hands-on with the {adj} {noun} from {org}",
    "{org} {verb} its {tech} {noun} after {audience} push back",
    "Inside {org}'s plan to {goal} with {tech}",
    "{Tech} in {industry}: {pct}% of projects fail to scale, survey finds",
)

MONTHS: Final[tuple[str, ...]] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS: Final[tuple[str, ...]] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

IMAGE_SIZES: Final[tuple[tuple[int, int], ...]] = (
    (1200, 630),
    (1200, 630),
    (1200, 630),
    (1600, 1600),
    (1024, 512),
    (1280, 720),
    (1440, 720),
    (800, 450),
    (450, 264),
    (2048, 1365),
    (640, 360),
    (1920, 1080),
)

PLACEHOLDER_EXCERPTS: Final[tuple[str, ...]] = ("NA", "na\n", "Placeholder.")

START: Final = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
SPAN_SECONDS: Final = int((dt.datetime(2024, 4, 12, tzinfo=dt.UTC) - START).total_seconds())

# --------------------------------------------------------------------------------------------
# Text helpers.


def _fill(rng: random.Random, template: str) -> str:
    tech = rng.choice(TECH)
    orgs = rng.sample(ORGS, 2)
    return template.format(
        org=orgs[0],
        org2=orgs[1],
        tech=tech,
        Tech=tech[0].upper() + tech[1:],
        verb=rng.choice(VERBS_PAST),
        goal=rng.choice(GOALS),
        audience=rng.choice(AUDIENCES),
        industry=rng.choice(INDUSTRIES),
        noun=rng.choice(NOUNS),
        adj=rng.choice(ADJS),
        year=rng.randint(2019, 2025),
        n=rng.choice((3, 5, 7, 10, 12, 40, 150, 1200, 25000)),
        pct=rng.randint(5, 80),
        month=rng.choice(MONTHS),
        weekday=rng.choice(WEEKDAYS),
    )


def _typographic(rng: random.Random, text: str) -> str:
    """Curly quotes and dashes, as publishers' CMSes produce them (often, not always)."""
    if rng.random() < 0.12:
        text = text.replace("'", "\u2019")
        text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text)
    if rng.random() < 0.1:
        text = text.replace(", and", " \u2014 and", 1)
    return text


def _title(rng: random.Random) -> str:
    title = _fill(rng, rng.choice(TITLES))
    if rng.random() < 0.25:
        title += f" ({rng.choice(MONTHS)} {rng.randint(2019, 2024)})"
    if rng.random() < 0.04:
        title = "\u2018" + title + "\u2019 \u2013 " + rng.choice(ORGS)
    title = _typographic(rng, title)
    if rng.random() < 0.01:
        title += "\u00a0"  # trailing no-break space, as seen in real titles
    return title


def _excerpt(rng: random.Random) -> str:
    if rng.random() < 0.005:
        return rng.choice(PLACEHOLDER_EXCERPTS)
    target = round(rng.triangular(150, 400, 210))
    parts: list[str] = []
    length = 0
    while length < target:
        sentence = _fill(rng, rng.choice(SENTENCES))
        parts.append(sentence)
        length += len(sentence) + 1
    text = " ".join(parts)
    if rng.random() < 0.5 or len(text) > 400:
        # Feed excerpts are often cut at a fixed length, mid-sentence.
        cut = text[:target].rsplit(" ", 1)[0].rstrip(",;:")
        text = cut if len(cut) >= 150 else text[:target]
    text = _typographic(rng, text)
    roll = rng.random()
    if roll < 0.05:
        # HTML entities left in by the feed: an apostrophe, an ampersand, or both.
        kind = rng.randrange(3)
        if kind != 1:
            text = text.replace("\u2019", "&#8217;").replace("'", "&#8217;")
        if kind != 0 or "&#8217;" not in text:
            text = text.replace(" and ", rng.choice((" &#038; ", " &amp; ")), 1)
    elif roll < 0.08:
        text = text.replace(". ", ".\r\n", 1)
    elif roll < 0.085:
        text = text.replace("\u2019", "\u00e2\u20ac\u2122")  # mojibake: UTF-8 read as cp1252
    return text


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:110].rstrip("-") or "article"


def _timestamp(moment: dt.datetime) -> Plain:
    return Plain(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _moment(rng: random.Random) -> dt.datetime:
    moment = START + dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
    if rng.random() < 0.45:
        moment = moment.replace(second=0)  # many feeds publish on the minute
    return moment


def _article_url(rng: random.Random, domain: str, slug: str, moment: dt.datetime) -> str:
    host = ("www." if rng.random() < 0.6 else "") + domain
    style = rng.randrange(5)
    if style == 0:
        path = f"/{moment:%Y/%m/%d}/{slug}/"
    elif style == 1:
        path = f"/news/{slug}-{rng.randrange(10**6, 10**8)}"
    elif style == 2:
        path = f"/en-us/blog/{slug}/"
    elif style == 3:
        path = f"/article/{rng.randrange(10**5, 10**7)}/{slug}.html"
    else:
        path = f"/{rng.choice(INDUSTRIES).replace(' ', '-')}/{slug}"
    if rng.random() < 0.005:
        path = "/\u00e9conomie" + path  # a real-looking IRI with a non-ASCII path segment
    if rng.random() < 0.1:
        path += "?utm_source=rss&utm_medium=feed"
    return f"https://{host}{path}"


def _amp_pair(url: str) -> tuple[str, str]:
    without_query = url.split("?", 1)[0]
    amp = without_query.rstrip("/") + "/amp/"
    host_and_path = amp.removeprefix("https://")
    host = host_and_path.split("/", 1)[0]
    cdn_host = host.replace("-", "--").replace(".", "-")
    return amp, f"https://{cdn_host}.cdn.ampproject.org/c/s/{host_and_path}"


def _image(rng: random.Random, domain: str, slug: str) -> dict[str, Node]:
    width, height = rng.choice(IMAGE_SIZES)
    ext = rng.choice(("jpg", "jpg", "png", "webp"))
    style = rng.randrange(3)
    if style == 0:
        url = f"https://cdn.{domain}/uploads/{rng.randint(2019, 2024)}/{rng.randint(1, 12):02d}/"
        url += f"{slug[:40].rstrip('-')}.{ext}"
    elif style == 1:
        url = f"https://images.{domain}/media/{rng.getrandbits(64):016x}.{ext}"
        url += f"?auto=compress%2Cformat&q=90&fit=crop&w={width}&h={height}"
    else:
        url = f"https://{domain}/assets/img/{slug[:30].rstrip('-')}-{width}x{height}.{ext}"
    image: dict[str, Node] = {"url": url, "width": width, "height": height}
    if rng.random() < 0.95:
        image["isCached"] = True
    if rng.random() < 0.03:
        image["title"] = None if rng.random() < 0.5 else _fill(rng, "{Tech} at {org}")
        image["attribution"] = None if rng.random() < 0.5 else "Photo: " + rng.choice(ORGS)
    return image


def _provider(rng: random.Random, name: str, domain: str, logo_rate: float) -> dict[str, Node]:
    provider: dict[str, Node] = {"name": Plain(name), "domain": Plain(domain)}
    if rng.random() < logo_rate:
        logo = f"https://newsroom-assets.github.io/feeds/images/organizations/{domain}-50x50.jpg"
        provider["images"] = [{"url": logo, "width": 50, "height": 50}]
    return provider


def _secured(rng: random.Random) -> str:
    cipher = rng.randbytes(16 * rng.randint(17, 25))
    iv = rng.randbytes(16)
    return base64.b64encode(cipher).decode("ascii") + ";" + base64.b64encode(iv).decode("ascii")


def _video_embed(video_id: str) -> str:
    return (
        f'<iframe width="800" height="500" frameborder="0" '
        f'src="https://www.youtube.com/embed/{video_id}" '
        f'allow="accelerometer; autoplay; encrypted-media; gyroscope; picture-in-picture" '
        f"allowfullscreen></iframe>"
    )


def _video_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(rng.choice(alphabet) for _ in range(11))


def _related(rng: random.Random, before: dt.datetime) -> dict[str, Node]:
    name, domain = rng.choice(PROVIDERS)
    title = _title(rng)
    moment = before - dt.timedelta(seconds=rng.randrange(1, 30 * 86400))
    is_video = rng.random() < 0.05
    item: dict[str, Node] = {
        "title": title,
        "excerpt": _excerpt(rng),
        "publishedDateTime": _timestamp(moment),
    }
    if is_video:
        item["webUrl"] = ""
    else:
        url = _article_url(rng, domain, _slug(title), moment)
        item["webUrl"] = url
        if rng.random() < 0.2:
            item["ampWebUrl"], item["cdnAmpWebUrl"] = _amp_pair(url)
    item["type"] = Plain("video" if is_video else "article")
    item["provider"] = _provider(rng, name, domain, logo_rate=0.3)
    if rng.random() < 0.8:
        item["quality"] = rng.randint(0, 100)
    if rng.random() < 0.7:
        item["images"] = [_image(rng, domain, _slug(title))]
    return item


def make_article(rng: random.Random, related_rate: float) -> tuple[dict[str, Node], str]:
    """Return a valid article (key order = canonical order) and the date prefix of its name."""
    moment = _moment(rng)
    is_video = rng.random() < 0.02
    name, domain = VIDEO_PROVIDER if is_video and rng.random() < 0.5 else rng.choice(PROVIDERS)
    title = _title(rng)
    slug = _slug(title)
    article: dict[str, Node] = {
        "category": Plain("news"),
        "title": title,
        "excerpt": _excerpt(rng),
        "publishedDateTime": _timestamp(moment),
    }
    video_id = _video_id(rng)
    if is_video:
        article["originalUrl"] = f"https://www.youtube.com/watch?v={video_id}"
    else:
        url = _article_url(rng, domain, slug, moment)
        if rng.random() < 0.85:
            article["originalUrl"] = url
        article["webUrl"] = url
        if rng.random() < 0.08:
            article["ampWebUrl"], article["cdnAmpWebUrl"] = _amp_pair(url)
    article["type"] = Plain("video" if is_video else "article")
    article["quality"] = 0 if rng.random() < 0.002 else rng.randint(1, 100)
    if rng.random() < 0.29:
        article["heat"] = -1
        article["published"] = False
    else:
        article["heat"] = rng.randint(0, 100)
        article["published"] = rng.random() < 0.65
    if rng.random() < 0.003:
        article["removed"] = True
    if is_video:
        article["featuredContent"] = _video_embed(video_id)
    article["provider"] = _provider(rng, name, domain, logo_rate=0.8)
    article["topics"] = [Plain(t) for t in rng.sample(TOPICS, rng.choice((1, 1, 1, 2, 2, 3)))]
    if is_video:
        article["images"] = [
            {
                "url": f"https://i.ytimg.com/vi/{video_id}/maxresdefault.jpg",
                "width": 1280,
                "height": 720,
                "isCached": True,
            }
        ]
    elif rng.random() < 0.9:
        count = 1 if rng.random() < 0.9 else 2
        article["images"] = [_image(rng, domain, slug) for _ in range(count)]
    if rng.random() < related_rate:
        article["related"] = [_related(rng, moment) for _ in range(rng.randint(1, 5))]
    article["secured"] = _secured(rng)
    # The name's date is the local publish date: up to a day off the UTC one.
    shift = rng.choice((-1, 1)) if rng.random() < 0.05 else 0
    return article, f"{moment + dt.timedelta(days=shift):%Y-%m-%d}-{slug}"


# --------------------------------------------------------------------------------------------
# Emitting YAML in the house style.

_PLAIN_UNSAFE = re.compile(r"""^[-?:,\[\]{}#&*!|>'"%@`\s]|: |\s#|:$|\s$""")
_PLAIN_RESOLVES = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON"
    r"|off|Off|OFF|y|Y|n|N|[-+]?[0-9][0-9_.:eE+-]*|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN))$"
)
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def _quote(text: str) -> str:
    out = ['"']
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or char in "\x7f\ufeff":
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _scalar(value: Scalar) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Plain):
        if not _TIMESTAMP.match(value) and (
            _PLAIN_UNSAFE.search(value) or _PLAIN_RESOLVES.match(value)
        ):
            raise ValueError(f"not safe as a plain scalar: {value!r}")
        return str(value)
    return _quote(value)


def _emit(mapping: Mapping_, indent: int, out: list[str], top: bool) -> None:
    pad = " " * indent
    after_block = False
    for key, value in mapping.items():
        block = isinstance(value, dict | list)
        if top and (block or after_block):
            out.append("")
        after_block = block
        if isinstance(value, dict):
            out.append(f"{pad}{key}:")
            _emit(value, indent + 2, out, top=False)
        elif isinstance(value, list):
            out.append(f"{pad}{key}:")
            for item in value:
                if isinstance(item, dict):
                    sub: list[str] = []
                    _emit(item, indent + 4, sub, top=False)
                    sub[0] = f"{pad}  - {sub[0].lstrip()}"
                    out.extend(sub)
                elif isinstance(item, list):
                    raise TypeError("nested sequences do not occur in the format")
                else:
                    out.append(f"{pad}  - {_scalar(item)}")
        else:
            text = _scalar(value)
            out.append(f"{pad}{key}: {text}" if text else f"{pad}{key}:")


def dump_front_matter(article: Mapping_) -> str:
    """Emit ``article`` as YAML lines in the house style (no fences)."""
    out: list[str] = []
    _emit(article, 0, out, top=True)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Defects.


def _insert_after(mapping: Mapping_, anchor: str, key: str, value: Node) -> Mapping_:
    result: Mapping_ = {}
    for k, v in mapping.items():
        result[k] = v
        if k == anchor:
            result[key] = value
    return result


def inject(rng: random.Random, article: Mapping_, defect: str) -> tuple[Mapping_, str | None]:
    """Apply ``defect``. Return the new mapping and, for text-level defects, a marker key."""
    if defect == "wrong_type":
        if "quality" in article:
            article["quality"] = "high"
        else:
            article = _insert_after(article, "type", "quality", "high")
    elif defect == "enum":
        article["type"] = Plain("blog")
    elif defect == "minimum":
        images = article.get("images")
        if not isinstance(images, list) or not images:
            images = [_image(rng, "example.com", "placeholder")]
            article = _insert_after(article, "topics", "images", images)
        first = images[0]
        assert isinstance(first, dict)
        first["width"] = 0
    elif defect == "bad_url":
        key = "webUrl" if "webUrl" in article else "originalUrl"
        url = article[key]
        assert isinstance(url, str)
        article[key] = url.removeprefix("https://")
    elif defect == "bad_date":
        article["publishedDateTime"] = Plain("yesterday")
    elif defect == "unknown_key":
        stamp = article["publishedDateTime"]
        article = _insert_after(article, "publishedDateTime", "publishDateTime", stamp)
    elif defect == "missing_key":
        del article["secured"]
    elif defect == "null_topic":
        topics = article["topics"]
        assert isinstance(topics, list)
        topics.append(None)
    elif defect in ("duplicate_key", "yaml_syntax"):
        return article, defect
    else:
        raise ValueError(defect)
    return article, None


def _text_defect(rng: random.Random, yaml_text: str, defect: str) -> str:
    lines = yaml_text.split("\n")
    if defect == "duplicate_key":
        index = next(i for i, line in enumerate(lines) if line.startswith("quality: "))
        old = int(lines[index].split(": ", 1)[1])
        lines.insert(index + 1, f"quality: {(old + rng.randint(1, 50)) % 101}")
    else:  # yaml_syntax: unclosed quote
        index = next(i for i, line in enumerate(lines) if line.startswith("title: "))
        assert lines[index].endswith('"')
        lines[index] = lines[index][:-1]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Files.


def generate(
    count: int, seed: int, invalid_rate: float, related_rate: float = 0.25
) -> Iterator[tuple[str, str, str | None]]:
    """Yield ``(file name, file text, defect or None)`` for ``count`` files."""
    used: Counter[str] = Counter()
    for index in range(count):
        rng = random.Random(f"{seed}:{index}")
        article, stem = make_article(rng, related_rate)
        defect: str | None = None
        if rng.random() < invalid_rate:
            defect = rng.choice(DEFECTS)
        text_defect: str | None = None
        if defect is not None:
            article, text_defect = inject(rng, article, defect)
        yaml_text = dump_front_matter(article)
        if text_defect is not None:
            yaml_text = _text_defect(rng, yaml_text, text_defect)
        used[stem] += 1
        name = stem if used[stem] == 1 else f"{stem}-{used[stem]}"
        yield f"{name}.md", f"---\n{yaml_text}---\n\n", defect


def split_front_matter(text: str) -> str | None:
    """Return the YAML between the fences of an article file, or None if it has no fences."""
    text = text.removeprefix("\ufeff")
    newline = "\r\n" if text.startswith("---\r\n") else "\n"
    opening = "---" + newline
    if not text.startswith(opening):
        return None
    closing = newline + "---" + newline
    end = text.find(closing, len(opening) - len(newline))
    if end < 0:
        if text.endswith(newline + "---"):
            return text[len(opening) : -3]
        return None
    return text[len(opening) : end + len(newline)]


def extract_yaml(sources: Iterable[Path], out_dir: Path) -> int:
    """Write each source's front matter as ``out_dir/<stem>.yaml`` (bytes kept). Return count."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for source in sources:
        with source.open(encoding="utf-8", newline="") as handle:
            front = split_front_matter(handle.read())
        if front is None:
            continue
        with (out_dir / f"{source.stem}.yaml").open("w", encoding="utf-8", newline="") as handle:
            handle.write(front)
        written += 1
    return written


def write_corpus(
    out_dir: Path,
    count: int,
    seed: int,
    invalid_rate: float,
    related_rate: float = 0.25,
    manifest: Path | None = None,
) -> dict[str, int]:
    """Write the corpus; return defect counts (``"valid"`` included)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, str | None] = {}
    counts: Counter[str] = Counter()
    for name, text, defect in generate(count, seed, invalid_rate, related_rate):
        with (out_dir / name).open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        files[name] = defect
        counts[defect or "valid"] += 1
    if manifest is not None:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "count": count,
            "seed": seed,
            "invalid_rate": invalid_rate,
            "related_rate": related_rate,
            "counts": dict(sorted(counts.items())),
            "files": files,
        }
        manifest.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return dict(counts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invalid-rate", type=float, default=0.02)
    parser.add_argument(
        "--related-rate",
        type=float,
        default=0.25,
        help="share of files with 1-5 related articles (0 gives files like the 674 real ones)",
    )
    parser.add_argument("--extract-yaml", type=Path, metavar="OUTDIR2")
    parser.add_argument("--manifest", type=Path, help="JSON file listing each file's defect")
    args = parser.parse_args(argv)
    if not 0 <= args.invalid_rate <= 1 or not 0 <= args.related_rate <= 1:
        parser.error("rates must be between 0 and 1")
    counts = write_corpus(
        args.outdir, args.count, args.seed, args.invalid_rate, args.related_rate, args.manifest
    )
    invalid = args.count - counts.get("valid", 0)
    print(f"wrote {args.count} files to {args.outdir} ({invalid} with a defect)", file=sys.stderr)
    if args.extract_yaml is not None:
        written = extract_yaml(sorted(args.outdir.glob("*.md")), args.extract_yaml)
        print(f"wrote {written} front matters to {args.extract_yaml}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Data-quality rules: each one fires on its defect, stays quiet on clean data, and is located."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsmeta
from newsmeta.problems import CODES, Severity
from newsmeta.rules import RULES, run_rules
from newsmeta.rules.consistency import cdn_amp_url, secured_defect

CLEAN = """---
category: news
title: "Café owners meet — and agree 🎉"
excerpt: "A “curly” excerpt about the town’s cafés."
publishedDateTime: 2020-07-16T19:15:00Z
originalUrl: "https://news.example.org/2020/07/16/cafes"
webUrl: "https://news.example.org/2020/07/16/cafes"
ampWebUrl: "https://news-site.example.org/amp/cafes"
cdnAmpWebUrl: "https://news--site-example-org.cdn.ampproject.org/c/s/news-site.example.org/amp/cafes"
type: article
heat: 10
published: true

provider:
  name: Example
  domain: example.org

topics:
  - Cafés

related:
  - title: "Another story"
    excerpt: "Its excerpt."
    publishedDateTime: 2020-07-10T08:00:00Z
    webUrl: "https://other.example.com/story"
    type: article
    provider:
      name: Other
      domain: example.com

secured: "AAAAAAAAAAAAAAAAAAAAAA==;AAAAAAAAAAAAAAAAAAAAAA=="
---
"""


def _codes(text: str, path: str = "2020-07-16-cafes.md") -> list[tuple[str, int, int]]:
    doc = newsmeta.loads(text, path=path)
    return [(p.code, p.line, p.column) for p in doc.problems]


def test_clean_article_with_legitimate_non_ascii_has_no_problem() -> None:
    assert _codes(CLEAN) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("the town’s cafés", "the townâ€™s cafÃ©s", ("text-mojibake", 4, 10)),
        ("Café owners meet", "Caf&eacute; owners meet", ("text-html-entity", 3, 8)),
        ("A “curly” excerpt", "A &#8220;curly&#8221; excerpt", ("text-html-entity", 4, 10)),
        ('"Café owners meet', '" Café owners meet', ("text-whitespace", 3, 8)),
        ('cafés."', 'cafés.\u00a0"', ("text-whitespace", 4, 10)),
        (
            'excerpt: "A “curly” excerpt about the town’s cafés."',
            'excerpt: "NA"',
            ("excerpt-placeholder", 4, 10),
        ),
        (
            'excerpt: "A “curly” excerpt about the town’s cafés."',
            'excerpt: ""',
            ("excerpt-placeholder", 4, 10),
        ),
        (
            "news--site-example-org.cdn",
            "news-site-example-org.cdn",
            ("url-cdn-amp-mismatch", 9, 15),
        ),
        (
            "  domain: example.org",
            "  domain: example.net",
            ("url-provider-domain-mismatch", 16, 11),
        ),
        (
            'webUrl: "https://news.example.org/2020/07/16/cafes"',
            'webUrl: "https://news.example.org/other"',
            ("url-web-original-mismatch", 7, 9),
        ),
        ('originalUrl: "https://', 'originalUrl: "http://', ("url-insecure", 6, 14)),
        ("heat: 10", "heat: -1", ("heat-published-mismatch", 11, 7)),
        ("AAAAAAAAAAAAAAAAAAAAAA==;", "AAAAAAAAAAAAAAAAAAAA;", ("secured-malformed", 31, 10)),
        (
            "publishedDateTime: 2020-07-16",
            "publishedDateTime: 2999-07-16",
            ("date-in-future", 5, 20),
        ),
        (
            "publishedDateTime: 2020-07-16",
            "publishedDateTime: 2020-07-20",
            ("date-filename-mismatch", 5, 20),
        ),
        (
            '"https://other.example.com/story"',
            '"https://news.example.org/2020/07/16/cafes"',
            ("related-self", 25, 13),
        ),
    ],
)
def test_rule_reports_its_defect_at_the_value(
    old: str, new: str, expected: tuple[str, int, int]
) -> None:
    assert old in CLEAN
    found = _codes(CLEAN.replace(old, new, 1))
    assert expected in found
    assert CODES[expected[0]].severity is Severity.WARNING


def test_duplicate_related_entry_is_reported_at_the_repeat() -> None:
    start = CLEAN.index("  - title:")
    end = CLEAN.index("\nsecured:")
    entry = CLEAN[start:end]
    text = CLEAN[:end] + entry + CLEAN[end:]
    assert ("related-duplicate", 33, 13) in _codes(text)


def test_filename_date_within_a_day_is_accepted() -> None:
    assert _codes(CLEAN, path="2020-07-17-cafes.md") == []
    assert ("date-filename-mismatch", 5, 20) in _codes(CLEAN, path="2020-07-19-cafes.md")


def test_every_rule_has_a_documented_code() -> None:
    for code in RULES:
        info = CODES[code]
        assert info.summary
        assert info.explanation
        assert info.bad
        assert info.good
        assert info.fix


def test_inline_comment_suppresses_on_the_line_and_the_line_below() -> None:
    broken = CLEAN.replace("heat: 10", "heat: -1")
    same_line = broken.replace("heat: -1", "heat: -1  # newsmeta: ignore[heat-published-mismatch]")
    line_above = broken.replace("heat: -1", "# newsmeta: ignore[heat-published-mismatch]\nheat: -1")
    other_code = broken.replace("heat: -1", "heat: -1  # newsmeta: ignore[url-insecure]")
    assert _codes(same_line) == []
    assert _codes(line_above) == []
    assert [c for c, _, _ in _codes(other_code)] == ["heat-published-mismatch"]


def test_helpers_derive_and_decode() -> None:
    assert (
        cdn_amp_url("https://a-b.example.com/amp/x?y=1")
        == "https://a--b-example-com.cdn.ampproject.org/c/s/a-b.example.com/amp/x?y=1"
    )
    assert secured_defect("AAAAAAAAAAAAAAAAAAAAAA==;AAAAAAAAAAAAAAAAAAAAAA==") is None
    assert (
        secured_defect("AAAA;AAAAAAAAAAAAAAAAAAAAAA==")
        == "the ciphertext is 3 bytes, not a multiple of 16"
    )
    assert secured_defect("AAAAAAAAAAAAAAAAAAAAAA==") == "it has no ';' between ciphertext and IV"


def test_seed_mojibake_is_reported_at_line_4(seed_path: Path) -> None:
    doc = newsmeta.load(seed_path)
    mojibake = [p for p in doc.problems if p.code == "text-mojibake"]
    assert [(p.line, p.pointer) for p in mojibake] == [(4, "/excerpt")]


def test_real_corpus_findings_are_the_known_defects(corpus: list[Path]) -> None:
    by_code: dict[str, list[str]] = {}
    for path in corpus:
        for problem in newsmeta.load(path).problems:
            by_code.setdefault(problem.code, []).append(path.name)
    # The real title with 'â€˜Sensitive Dataâ€™', and nothing else: no false positives.
    assert len(by_code["text-mojibake"]) == 1
    assert by_code["text-html-entity"]
    assert by_code["excerpt-placeholder"]
    assert not [c for c in by_code if CODES[c].severity is Severity.ERROR]


def test_rules_ignore_values_of_the_wrong_type() -> None:
    broken = CLEAN.replace("heat: 10", "heat: [1]").replace('title: "Café', "title: [1]  #")
    doc = newsmeta.loads(broken)
    assert {p.code for p in doc.problems} <= {"schema-type"}
    assert run_rules is not None


def test_rules_command_lists_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    from newsmeta.cli import main

    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(CODES)
    assert any(line.split()[:2] == ["text-mojibake", "warning"] for line in lines)


def test_explain_prints_bad_and_good_examples(capsys: pytest.CaptureFixture[str]) -> None:
    from newsmeta.cli import main

    assert main(["explain", "text-mojibake"]) == 0
    out = capsys.readouterr().out
    assert "Bad:" in out
    assert "â€™" in out
    assert "Good:" in out
    assert main(["explain", "no-such-code"]) == 2


def test_the_same_url_in_two_articles_is_reported_on_the_later_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmeta.cli import main

    (tmp_path / "2020-07-16-a.md").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "2020-07-16-b.md").write_text(CLEAN, encoding="utf-8")
    other = CLEAN.replace("2020/07/16/cafes", "2020/07/16/other")
    (tmp_path / "2020-07-16-c.md").write_text(other, encoding="utf-8")
    assert main(["validate", "--format", "json", str(tmp_path)]) == 0
    import json

    files = json.loads(capsys.readouterr().out)["files"]
    problems = {f["path"].rsplit("/", 1)[1]: f["problems"] for f in files}
    assert problems["2020-07-16-a.md"] == []
    assert problems["2020-07-16-c.md"] == []
    duplicate = problems["2020-07-16-b.md"]
    assert [(p["code"], p["pointer"], p["line"], p["column"]) for p in duplicate] == [
        ("corpus-duplicate-url", "/webUrl", 7, 9)
    ]
    assert "2020-07-16-a.md at line 7" in duplicate[0]["message"]


@pytest.mark.parametrize(
    "url",
    [
        "https://News.Example.org/a",
        "https://user:pw@a.com:8080/x",
        "https://a.com?x",
        "https://a.com#f",
        "http://[::1]:80/",
        "https:/a.com",
        "https://",
        "https://例え.jp/パス",
    ],
)
def test_url_host_agrees_with_urlsplit(url: str) -> None:
    from urllib.parse import urlsplit

    from newsmeta.rules.consistency import url_host

    assert url_host(url) == (urlsplit(url).hostname or "").lower()


def test_mojibake_written_as_escapes_is_still_found() -> None:
    text = CLEAN.replace('title: "Café owners', 'title: "Caf\\u00c3\\u00a9 owners')
    assert "Ã" not in text
    assert ("text-mojibake", 3, 8) in _codes(text)


def test_a_video_hosted_elsewhere_is_not_a_provider_mismatch() -> None:
    video = (
        CLEAN.replace('webUrl: "https://news.example.org/2020/07/16/cafes"\n', "")
        .replace("type: article", "type: video")
        .replace("news.example.org/2020/07/16/cafes", "youtube.com/watch?v=abc")
    )
    assert "url-provider-domain-mismatch" not in [c for c, _, _ in _codes(video)]


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=["Cs", "Cc"], min_codepoint=0x20, max_codepoint=0x1FFFF
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from(["cp1252", "latin-1"]),
    st.booleans(),
    st.integers(min_value=0, max_value=2),
)
def test_the_mojibake_filter_passes_every_misread_text_ftfy_repairs(
    text: str, code_page: str, no_break_spaces_normalised: bool, trim: int
) -> None:
    import ftfy

    from newsmeta.rules.text import _looks_mojibake

    misread = text.encode("utf-8").decode(code_page, errors="replace")
    if no_break_spaces_normalised:
        misread = misread.replace("\u00a0", " ")
    # A value may start or end in the middle of a misread sequence.
    misread = misread[trim:] if trim < len(misread) else misread
    has_lead = any("\u00c2" <= c <= "\u00f4" for c in misread)
    if has_lead and ftfy.fix_encoding(misread) != misread:
        assert _looks_mojibake(misread)


@pytest.mark.parametrize("word", ["Société Lumière", "café au lait", "Müller", "señor", "naïve"])
def test_accented_words_are_not_sent_to_ftfy(word: str) -> None:
    from newsmeta.rules.text import _MISREAD_SEQUENCE

    assert _MISREAD_SEQUENCE.search(word) is None


@pytest.mark.parametrize(
    "title",
    [
        'title: "Voil\u00c3\n  tout"',  # "à" misread, its no-break space folded from a line break
        "title: Voil\u00c3\n  tout",
    ],
)
def test_mojibake_split_by_a_folded_line_is_still_found(title: str) -> None:
    text = CLEAN.replace('title: "Café owners meet — and agree 🎉"', title)
    assert title in text
    assert ("text-mojibake", 3, 8) in _codes(text)


@pytest.mark.parametrize(
    "url",
    ['"http:\\/\\/news.example.org/x"', '"http:\\\n  //news.example.org/x"'],
)
def test_plain_http_written_with_escapes_is_still_found(url: str) -> None:
    text = CLEAN.replace(
        'originalUrl: "https://news.example.org/2020/07/16/cafes"', "originalUrl: " + url
    )
    assert "originalUrl: " + url in text
    assert "url-insecure" in {code for code, _, _ in _codes(text)}


@pytest.mark.parametrize("moment", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+05:00"])
def test_dates_at_the_ends_of_the_calendar_are_not_an_error_of_the_rules(moment: str) -> None:
    text = CLEAN.replace("publishedDateTime: 2020-07-16T19:15:00Z", f"publishedDateTime: {moment}")
    assert moment in text
    codes = {code for code, _, _ in _codes(text, "2024-03-05-x.md")}
    assert "date-filename-mismatch" not in codes


@pytest.mark.parametrize(
    ("yaml", "may_hold"),
    [
        ('title: "a \\"quoted\\" word and a \\\\ backslash"\n', False),
        ('title: "http:\\/\\/x"\n', True),
        ('title: "\\x68ttp://x"\n', True),
        ("title: 'http://x'\n", True),
    ],
)
def test_the_text_guard_lets_through_every_escape_that_can_rewrite_a_value(
    yaml: str, may_hold: bool
) -> None:
    from newsmeta.rules import RuleContext

    text = f"---\n{yaml}---\nBody with http:// in it.\n"
    context = RuleContext({}, None, text, None, text.index("---\nBody"))
    assert context.text_may_hold("http://") is may_hold


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [
                "a",
                " ",
                "\n",
                "\t",
                "\x1c",
                "\x85",
                "\xa0",
                "\xc2",
                "\xc3",
                "\xdf",
                "\xe0",
                "\xe2",
                "\xe9",
                "\xf4",
                "\xf5",
                "\u2019",
                "\u20ac",
                "\u2028",
                "\u3000",
                "\U0001f389",
                "\udcc3",
            ]
        ),
        max_size=12,
    )
)
def test_the_mojibake_guards_byte_search_passes_every_text_its_pattern_matches(
    text: str,
) -> None:
    # The byte search only rules texts out: it must match wherever the pattern does.
    from newsmeta.rules.text import _MISREAD_IN_TEXT, _MISREAD_IN_UTF8

    if _MISREAD_IN_TEXT.search(text) is not None:
        assert _MISREAD_IN_UTF8.search(text.encode("utf-8", "surrogatepass")) is not None


def test_a_mojibake_after_an_accent_is_found_past_the_byte_search() -> None:
    text = '---\ntitle: "Café Ã© ok"\nexcerpt: "Société Ã©té"\n---\n'
    problems = newsmeta.loads(text).problems
    assert [(p.code, p.line) for p in problems if p.code == "text-mojibake"] == [
        ("text-mojibake", 2),
        ("text-mojibake", 3),
    ]

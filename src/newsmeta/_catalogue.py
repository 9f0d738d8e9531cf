"""The catalogue of problem codes (:data:`newsmeta.problems.CODES`) and its class,
:class:`~newsmeta.problems.Code`, in a module of their own.

A run of ``newsmeta validate`` whose files all come from the result cache reports no
code's documentation: this module is imported (by :mod:`newsmeta.problems`, on the first
read of ``CODES`` or ``Code``) when something needs the catalogue, so such a run builds
neither the class nor its hundred-odd entries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from newsmeta._severity import Severity

__all__ = ["CODES", "Code"]


@attrs.frozen
class Code:
    """One documented problem code.

    ``summary`` is one line for ``newsmeta rules``; ``explanation``, ``bad`` and ``good``
    feed ``newsmeta explain`` and the problem-code reference.
    """

    name: str
    severity: Severity
    summary: str
    explanation: str
    bad: str = ""
    good: str = ""
    fix: str = ""
    layer: str = "schema"


Code.__module__ = "newsmeta.problems"  # where it is documented, pickled and imported from


def _code(
    name: str,
    severity: Severity,
    summary: str,
    explanation: str,
    *,
    bad: str = "",
    good: str = "",
    fix: str = "",
    layer: str = "schema",
) -> tuple[str, Code]:
    return name, Code(name, severity, summary, explanation, bad, good, fix, layer)


_E = Severity.ERROR
_W = Severity.WARNING

#: Every problem code newsmeta can report, by name. Codes are stable: they are never
#: renamed or reused, so CI configuration and inline suppressions keep working.
CODES: Final[Mapping[str, Code]] = dict(
    [
        _code(
            "io-error",
            _E,
            "The file could not be read.",
            "The operating system failed to read the file for a reason without a more specific "
            "io-* code. Nothing else is checked.",
            fix="Check the path and the file's permissions.",
            layer="file",
        ),
        _code(
            "io-file-missing",
            _E,
            "The file does not exist (or vanished during the run).",
            "The path was named, or found by the walk, but there was no file to read when "
            "its turn came.",
            fix="Check the path; a file deleted mid-run can be ignored.",
            layer="file",
        ),
        _code(
            "io-permission-denied",
            _E,
            "The file may not be read.",
            "The operating system refused to open the file for reading.",
            fix="Fix the file's permissions, or exclude it.",
            layer="file",
        ),
        _code(
            "io-symlink-loop",
            _E,
            "The path is a symbolic link that loops.",
            "Following the link leads back to itself, so there is no file to read.",
            fix="Remove or correct the link.",
            layer="file",
        ),
        _code(
            "io-not-regular-file",
            _E,
            "The path is a FIFO, socket, device or directory.",
            "Only regular files are read: a FIFO or device could block or stream forever.",
            fix="Exclude the path.",
            layer="file",
        ),
        _code(
            "encoding-not-utf8",
            _E,
            "The file is not valid UTF-8.",
            "Articles are UTF-8 text. The problem points at the first byte that is not part of "
            "a valid UTF-8 sequence.",
            bad="title: caf\\xe9   (Latin-1 byte)",
            good="title: café",
            fix="Re-save the file as UTF-8.",
            layer="file",
        ),
        _code(
            "encoding-utf16",
            _E,
            "The file is UTF-16 or UTF-32, not UTF-8.",
            "Some editors on Windows save text as UTF-16. Articles are UTF-8.",
            fix="Re-save the file as UTF-8.",
            layer="file",
        ),
        _code(
            "encoding-nul",
            _E,
            "The file holds a NUL byte.",
            "Text files never contain NUL bytes; the file is binary or corrupted. Nothing "
            "else is checked.",
            fix="Restore the file from a good copy.",
            layer="file",
        ),
        _code(
            "text-control-character",
            _E,
            "The front matter holds a control character.",
            "Control characters (other than tab and line breaks), C1 controls and lone "
            "surrogates are invisible, break other tools, and can hide text in terminals.",
            bad='title: "Hello\\x1b[31m"',
            good='title: "Hello"',
            fix="Delete the character.",
            layer="file",
        ),
        _code(
            "line-ending-bare-cr",
            _E,
            "A line ends with a bare carriage return.",
            "Lines end with LF or CRLF. A lone CR (old Mac style) is read as a line break "
            "by YAML but not by newsmeta's line counting, so positions would be wrong.",
            fix="Convert the file's line endings to LF.",
            layer="file",
        ),
        _code(
            "line-ending-mixed",
            _E,
            "The file mixes LF and CRLF line endings.",
            "A file keeps one line ending throughout; mixing them makes every edit ambiguous.",
            fix="Convert the file's line endings to one style.",
            layer="file",
        ),
        _code(
            "yaml-1.1-ambiguous",
            _W,
            "A plain value that YAML 1.1 readers (PyYAML, Jekyll) read differently.",
            "newsmeta reads YAML 1.2, where 'yes', 'on', 'off' and '12:30' are text and "
            "'012' is 12. YAML 1.1 readers in a news pipeline (PyYAML, Ruby's Psych, which "
            "Jekyll uses) read them as booleans and numbers, and '012' as the octal number "
            "10; Psych also reads 'YeS' and 'NULL' in any case, '1,000' as a number and "
            "':name' as a symbol. A plain date or timestamp in a field the format types as "
            "text (a title, a topic) is text to newsmeta and a date to those readers. Text "
            "is fixed safely by quoting it: `newsmeta fix` writes the same value in double "
            "quotes, changing nothing else.",
            bad="topics:\n  - on\n  - 2024-05-01",
            good='topics:\n  - "on"\n  - "2024-05-01"',
            fix="Quote the value (newsmeta fix does it); write a number without leading zeros.",
            layer="yaml",
        ),
        _code(
            "fence-open-missing",
            _E,
            "The file does not start with a '---' front-matter fence.",
            "The first line of an article (after an optional UTF-8 byte-order mark) must be "
            "exactly '---'. Without it there is no front matter to read.",
            bad="title: Hello\n---",
            good="---\ntitle: Hello\n---",
            fix="Add a line '---' at the very top of the file.",
            layer="fence",
        ),
        _code(
            "fence-close-missing",
            _E,
            "The front matter is never closed by a '---' line.",
            "After the opening fence, a line that is exactly '---' must end the front matter. "
            "A '...' line does not close it.",
            bad="---\ntitle: Hello\n\nBody text",
            good="---\ntitle: Hello\n---\n\nBody text",
            fix="Add a line '---' after the last front-matter line.",
            layer="fence",
        ),
        _code(
            "yaml-syntax",
            _E,
            "The front matter is not valid YAML.",
            "The YAML could not be read. The common mistakes are named in plain words and "
            "located at their cause, not where the parser gave up: a tab in the indentation, "
            "a quote or bracket that is never closed, a missing space after the '-' of a list "
            "item or the ':' of a key, a ': ' inside an unquoted value, a line indented to no "
            "level above. The parser's own words are in the problem's detail (the "
            "`detail` field of `--format json`). Problems after the error cannot be found "
            "until it is fixed.",
            bad='title: "Unclosed\nsummary: Breaking: news',
            good='title: "Closed"\nsummary: "Breaking: news"',
            fix="Follow the message; it names the fix.",
            layer="yaml",
        ),
        _code(
            "yaml-unportable",
            _E,
            "Valid YAML 1.2 that common YAML readers refuse or read differently.",
            "A few YAML 1.2 forms are refused or misread by libyaml (used by PyYAML and by "
            "Ruby's Psych, hence Jekyll) and by ruamel.yaml, which newsmeta reads with: a "
            "flow-mapping key whose ':' is on the next line, a plain value starting with "
            "'?' inside a flow collection, a document made only of '...'. newsmeta refuses "
            "them rather than guess, since other tools would read the file differently.",
            bad="topics: [?AI, Robotics]",
            good='topics: ["?AI", Robotics]',
            fix="Quote the value, or write the collection in block style.",
            layer="yaml",
        ),
        _code(
            "yaml-duplicate-key",
            _E,
            "A key appears twice in the same mapping.",
            "YAML forbids duplicate keys, and tools disagree on which value wins. newsmeta reads "
            "the first one and reports the repeat.",
            bad="title: One\ntitle: Two",
            good="title: One",
            fix="Delete one of the two entries.",
            layer="yaml",
        ),
        _code(
            "yaml-multiple-documents",
            _E,
            "The front matter holds more than one YAML document.",
            "A '--- ...' or '...' line inside the front matter starts a second YAML document. "
            "An article has exactly one.",
            bad="---\ntitle: One\n--- two\n---",
            good="---\ntitle: One\n---",
            fix="Remove the extra document marker.",
            layer="yaml",
        ),
        _code(
            "yaml-anchor",
            _E,
            "An anchor ('&name') is used.",
            "The article format has no use for anchors and aliases, and they let a small file "
            "expand into a huge one. They are refused.",
            bad="title: &t Hello",
            good="title: Hello",
            fix="Write the value out in full.",
            layer="yaml",
        ),
        _code(
            "yaml-alias",
            _E,
            "An alias ('*name') is used.",
            "Aliases repeat another node; the article format refuses them (see yaml-anchor). "
            "An alias reads as null.",
            bad="excerpt: *t",
            good='excerpt: "Hello"',
            fix="Write the value out in full.",
            layer="yaml",
        ),
        _code(
            "yaml-tag",
            _E,
            "An explicit tag ('!tag') is used.",
            "Tags change how YAML constructs a value and, in some tools, run code. The article "
            "format has no use for them; newsmeta never constructs a tagged value.",
            bad="quality: !!str 27",
            good="quality: 27",
            fix="Remove the tag.",
            layer="yaml",
        ),
        _code(
            "yaml-merge-key",
            _E,
            "A merge key ('<<') is used.",
            "Merge keys copy another mapping's entries; the article format refuses them.",
            bad="<<: *defaults",
            good="category: news",
            fix="Write the keys out in full.",
            layer="yaml",
        ),
        _code(
            "yaml-key-not-string",
            _E,
            "A key is read as a number, boolean or null, not a string.",
            "Every key of the article format is a string. A plain key such as 1 or true is "
            "read as another type by YAML.",
            bad="1: first",
            good='"1": first',
            fix="Quote the key, or rename it.",
            layer="yaml",
        ),
        _code(
            "yaml-complex-key",
            _E,
            "A key is a list or a mapping.",
            "YAML allows complex keys ('? [a, b]'); JSON and the article format do not.",
            bad="? [a, b]\n: value",
            good="key: value",
            fix="Use a string key.",
            layer="yaml",
        ),
        _code(
            "yaml-number-not-finite",
            _E,
            "A number is infinite or not a number.",
            ".inf, .nan and numbers too large for a float (1e400) have no JSON form.",
            bad="quality: .inf",
            good="quality: 27",
            fix="Write a finite number.",
            layer="yaml",
        ),
        _code(
            "limit-file-size",
            _E,
            "The file is larger than the file-size limit.",
            "Files over the limit (4 MiB by default) are not read, to keep a run bounded.",
            fix="Split or shrink the file; articles are a few kilobytes.",
            layer="limits",
        ),
        _code(
            "limit-front-matter-size",
            _E,
            "The front matter is larger than its limit.",
            "Front matter over the limit (256 KiB by default) is not parsed.",
            fix="Shrink the front matter.",
            layer="limits",
        ),
        _code(
            "limit-depth",
            _E,
            "The front matter nests too deeply.",
            "Nesting deeper than the limit (32 by default) is refused before anything is built; "
            "articles nest four levels at most.",
            fix="Flatten the structure.",
            layer="limits",
        ),
        _code(
            "limit-nodes",
            _E,
            "The front matter has too many YAML nodes.",
            "More nodes than the limit (10,000 by default) are refused.",
            fix="Shrink the front matter.",
            layer="limits",
        ),
        _code(
            "limit-scalar-length",
            _E,
            "A value is longer than its limit.",
            "Values longer than the limit (65,536 characters by default) are refused.",
            fix="Shorten the value.",
            layer="limits",
        ),
        _code(
            "limit-key-length",
            _E,
            "A key is longer than its limit.",
            "Keys longer than the limit (256 characters by default) are refused.",
            fix="Use one of the format's keys.",
            layer="limits",
        ),
        _code(
            "limit-number-length",
            _E,
            "A number is written with too many characters.",
            "Numbers written with more than 100 characters are refused: converting them costs "
            "time, and no article field needs them.",
            fix="Write a reasonable number.",
            layer="limits",
        ),
        _code(
            "front-matter-not-mapping",
            _E,
            "The front matter is not a mapping of keys to values.",
            "The front matter must be a YAML mapping (key: value lines), not a list or a "
            "single value.",
            bad="---\n- news\n---",
            good="---\ncategory: news\n---",
            fix="Write the front matter as 'key: value' lines.",
            layer="yaml",
        ),
        _code(
            "schema-required",
            _E,
            "A required key is missing.",
            "The article format requires this key in this mapping. The problem points at the "
            "mapping that lacks it; the pointer names the missing key.",
            bad="provider:\n  name: Zawya",
            good="provider:\n  name: Zawya\n  domain: zawya.com",
            fix="Add the key with a valid value.",
        ),
        _code(
            "schema-unknown-key",
            _E,
            "A key that the article format does not define.",
            "Unknown keys are usually typos (publishDateTime for publishedDateTime). newsmeta "
            "keeps them intact on every round trip but reports them.",
            bad="publishDateTime: 2020-07-16T19:15:00Z",
            good="publishedDateTime: 2020-07-16T19:15:00Z",
            fix="Rename the key to the one the format defines, or delete it.",
        ),
        _code(
            "schema-type",
            _E,
            "A value has the wrong type.",
            "The format fixes the type of every value (string, integer, boolean, list, mapping). "
            "A value that YAML reads as another type, such as an empty list item (null) or a "
            "quoted number, is reported here.",
            bad='quality: "27"',
            good="quality: 27",
            fix="Write the value with the expected type.",
        ),
        _code(
            "schema-enum",
            _E,
            "A value is not one of the allowed values.",
            "Some keys take a fixed set of values: category is 'news'; type is 'article' or "
            "'video'.",
            bad="type: blog",
            good="type: article",
            fix="Use one of the allowed values.",
        ),
        _code(
            "schema-minimum",
            _E,
            "A number is below its minimum.",
            "quality is at least 0, heat at least -1, and image width and height at least 1.",
            bad="width: 0",
            good="width: 1440",
            fix="Use a number within range.",
        ),
        _code(
            "schema-format",
            _E,
            "A URL or date-time is malformed.",
            "URLs must be absolute http(s) IRIs; date-times must be RFC 3339 with a time zone, "
            "such as 2020-07-16T19:15:00Z.",
            bad="publishedDateTime: yesterday",
            good="publishedDateTime: 2020-07-16T19:15:00Z",
            fix="Write a valid absolute URL or an RFC 3339 timestamp.",
        ),
        _code(
            "schema-pattern",
            _E,
            "A string does not have the required shape.",
            "Some strings have a fixed shape: secured is 'ciphertext;iv' in base64, URLs start "
            "with http:// or https://, provider.domain is a lower-case host name.",
            bad="domain: WWW.Example.com",
            good="domain: example.com",
            fix="Rewrite the value in the required shape.",
        ),
        _code(
            "schema-min-length",
            _E,
            "A string that must not be empty is empty.",
            "title and provider.name must not be empty.",
            bad='title: ""',
            good='title: "Masks break facial recognition"',
            fix="Write the missing text.",
        ),
        _code(
            "schema-min-items",
            _E,
            "A list that needs items is empty.",
            "topics needs at least one topic.",
            bad="topics: []",
            good="topics:\n  - AI",
            fix="Add at least one item.",
        ),
        _code(
            "schema-invalid",
            _E,
            "A value breaks another rule of the format.",
            "A schema rule not covered by a more specific code failed; the message says which.",
            fix="Follow the message; the format reference lists every rule.",
        ),
        _code(
            "text-mojibake",
            _W,
            "Text holds mojibake: UTF-8 read as Windows-1252 or Latin-1.",
            "Sequences such as 'â€™' appear when UTF-8 bytes were decoded with the wrong "
            "code page. Detected and repaired with ftfy, which leaves legitimate non-ASCII "
            "text (é, emoji, curly quotes) alone. `newsmeta fix` repairs it.",
            bad='excerpt: "facial recognitionâ€™s similar global expansion"',
            good='excerpt: "facial recognition’s similar global expansion"',
            fix="Run `newsmeta fix --select text-mojibake FILE`.",
            layer="rules",
        ),
        _code(
            "text-html-entity",
            _W,
            "A title or excerpt holds an HTML entity.",
            "Front matter is plain text, so '&#8217;' or '&amp;' shows literally on pages "
            "that escape it. `newsmeta fix` writes the character instead.",
            bad='title: "Rock &amp; Roll"',
            good='title: "Rock & Roll"',
            fix="Run `newsmeta fix --select text-html-entity FILE`.",
            layer="rules",
        ),
        _code(
            "text-whitespace",
            _W,
            "A title or excerpt starts or ends with whitespace.",
            "Leading or trailing spaces, including the no-break space, are invisible in "
            "editors and break exact matching. `newsmeta fix` trims them.",
            bad='title: "Masks and facial recognition\u00a0"',
            good='title: "Masks and facial recognition"',
            fix="Run `newsmeta fix --select text-whitespace FILE`.",
            layer="rules",
        ),
        _code(
            "excerpt-placeholder",
            _W,
            "The excerpt is empty or a placeholder.",
            "Excerpts such as '', 'NA' or 'Placeholder.' were never filled in.",
            bad='excerpt: "NA"',
            good='excerpt: "Growers lit fires between the rows overnight."',
            fix="Write a real excerpt.",
            layer="rules",
        ),
        _code(
            "url-cdn-amp-mismatch",
            _W,
            "cdnAmpWebUrl is not derived from ampWebUrl.",
            "cdnAmpWebUrl is always https://<amp host, '-' doubled, '.' turned to '-'>"
            ".cdn.ampproject.org/c/s/<ampWebUrl without its scheme>. `newsmeta fix` derives it.",
            bad='ampWebUrl: "https://a-b.com/amp/x"\ncdnAmpWebUrl: "https://a-b-com.cdn.ampproject.org/c/s/a-b.com/amp/x"',
            good='ampWebUrl: "https://a-b.com/amp/x"\ncdnAmpWebUrl: "https://a--b-com.cdn.ampproject.org/c/s/a-b.com/amp/x"',
            fix="Run `newsmeta fix --select url-cdn-amp-mismatch FILE`.",
            layer="rules",
        ),
        _code(
            "url-provider-domain-mismatch",
            _W,
            "provider.domain is not part of the article URL's host.",
            "The provider's domain is a suffix of the host of webUrl in nearly every real "
            "file; a mismatch usually means a wrong provider. Videos, whose only URL is "
            "their hosting platform's, are not checked.",
            bad='webUrl: "https://news.example.org/a"\nprovider:\n  domain: example.com',
            good='webUrl: "https://news.example.org/a"\nprovider:\n  domain: example.org',
            fix="Correct the provider or the URL.",
            layer="rules",
        ),
        _code(
            "url-web-original-mismatch",
            _W,
            "webUrl differs from originalUrl.",
            "When both are present, real articles keep them equal.",
            bad='originalUrl: "https://a.com/x"\nwebUrl: "https://a.com/y"',
            good='originalUrl: "https://a.com/x"\nwebUrl: "https://a.com/x"',
            fix="Make the two URLs equal, or drop originalUrl.",
            layer="rules",
        ),
        _code(
            "url-insecure",
            _W,
            "A URL uses http:// instead of https://.",
            "Plain-HTTP links are blocked or warned about by browsers on HTTPS pages.",
            bad='webUrl: "http://example.com/a"',
            good='webUrl: "https://example.com/a"',
            fix="Use the https:// form of the URL.",
            layer="rules",
        ),
        _code(
            "heat-published-mismatch",
            _W,
            "heat is -1 on a published article.",
            "heat -1 marks articles that are not published; a published one should have a "
            "heat of 0 or more.",
            bad="heat: -1\npublished: true",
            good="heat: -1\npublished: false",
            fix="Correct heat or published.",
            layer="rules",
        ),
        _code(
            "secured-malformed",
            _W,
            "The secured value does not decode as ciphertext and IV.",
            "secured is base64(ciphertext);base64(IV): the IV decodes to 16 bytes and the "
            "ciphertext to a multiple of 16 bytes.",
            bad='secured: "AAAA;AAAAAAAAAAAAAAAAAAAAAA=="',
            good='secured: "AAAAAAAAAAAAAAAAAAAAAA==;AAAAAAAAAAAAAAAAAAAAAA=="',
            fix="Regenerate the value with the publishing tool; never edit it by hand.",
            layer="rules",
        ),
        _code(
            "date-in-future",
            _W,
            "publishedDateTime is in the future.",
            "A publication time more than an hour ahead of now is usually a time-zone or "
            "typing mistake.",
            bad="publishedDateTime: 2999-01-01T00:00:00Z",
            good="publishedDateTime: 2020-07-16T19:15:00Z",
            fix="Correct the timestamp.",
            layer="rules",
        ),
        _code(
            "date-filename-mismatch",
            _W,
            "The file name's date is more than a day from publishedDateTime.",
            "Files are named YYYY-MM-DD-slug.md after their publication date; a day's "
            "difference is allowed for time zones.",
            bad="2020-01-01-story.md with publishedDateTime: 2020-07-16T19:15:00Z",
            good="2020-07-16-story.md with publishedDateTime: 2020-07-16T19:15:00Z",
            fix="Rename the file or correct the timestamp.",
            layer="rules",
        ),
        _code(
            "related-duplicate",
            _W,
            "Two related articles share a webUrl.",
            "The same related article is listed twice.",
            bad='related:\n  - webUrl: "https://a.com/x"\n  - webUrl: "https://a.com/x"',
            good='related:\n  - webUrl: "https://a.com/x"',
            fix="Delete the repeated entry.",
            layer="rules",
        ),
        _code(
            "related-self",
            _W,
            "A related article is the article itself.",
            "A related entry's webUrl equals the article's own webUrl or originalUrl.",
            bad='webUrl: "https://a.com/x"\nrelated:\n  - webUrl: "https://a.com/x"',
            good='webUrl: "https://a.com/x"\nrelated:\n  - webUrl: "https://a.com/y"',
            fix="Delete the entry.",
            layer="rules",
        ),
        _code(
            "corpus-duplicate-url",
            _W,
            "Two articles state the same webUrl or originalUrl.",
            "`newsmeta validate` remembers every article's own URLs across the run; a later "
            "file with a URL an earlier file already states is usually a duplicate article.",
            bad='a.md: webUrl: "https://a.com/x"\nb.md: webUrl: "https://a.com/x"',
            good='a.md: webUrl: "https://a.com/x"\nb.md: webUrl: "https://a.com/y"',
            fix="Delete the duplicate article, or correct its URL.",
            layer="rules",
        ),
    ]
)

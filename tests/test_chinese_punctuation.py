"""Chinese texts use Chinese punctuation: the catalogue's translations end a sentence with
"。", "？", "！" or "：", never the ASCII marks, and never separate Chinese words with an
ASCII comma, colon, semicolon, question or exclamation mark, nor wrap them in ASCII brackets. No database: the .po file is read
as text."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
HAS_CJK = re.compile(CJK)
# An ASCII mark between two Chinese characters (with or without a space after it).
ASCII_MARK_BETWEEN_CJK = re.compile(rf"{CJK}[,;:?!]\s*{CJK}")
# ASCII brackets around or against Chinese text ("（可选）", not "(可选)").
ASCII_BRACKET_AT_CJK = re.compile(rf"{CJK}\s*\(|\(\s*{CJK}|{CJK}\s*\)|\)\s*{CJK}")
SENTENCE_ENDS = (".", "?", "!", ":")


@dataclass(frozen=True)
class Entry:
    line: int
    msgid: str
    msgstrs: tuple[str, ...]
    fuzzy: bool


def _unquote(text: str) -> str:
    return bytes(text.strip()[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def parse_po(text: str) -> list[Entry]:
    """The catalogue's entries: msgid (singular), every msgstr, and whether it is fuzzy.
    Obsolete entries (``#~``) are left out, as gettext leaves them out."""
    entries: list[Entry] = []
    fields: dict[str, list[str]] = {}
    current: str | None = None
    start, fuzzy = 0, False

    def flush() -> None:
        nonlocal fields, fuzzy
        if "msgid" in fields:
            strs = tuple("".join(v) for k, v in sorted(fields.items()) if k.startswith("msgstr"))
            entries.append(Entry(start, "".join(fields["msgid"]), strs, fuzzy))
        fields, fuzzy = {}, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                flush()
                current = None
            continue
        if line.startswith("#,") and "fuzzy" in line:
            flush()
            fuzzy = True
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if current is not None:
                fields[current].append(_unquote(line))
            continue
        if keyword == "msgid" and "msgid" in fields:
            flush()
        if keyword == "msgid":
            start = number
        current = keyword
        fields.setdefault(keyword, []).append(_unquote(rest))
    flush()
    return entries


def offences(entry: Entry) -> list[str]:
    """What is wrong with one translation's punctuation ([] when nothing)."""
    if entry.fuzzy or not entry.msgid:
        return []
    found = []
    for msgstr in entry.msgstrs:
        if not HAS_CJK.search(msgstr):
            continue
        stripped = msgstr.rstrip()
        if entry.msgid.rstrip().endswith(SENTENCE_ENDS) and stripped.endswith(SENTENCE_ENDS):
            found.append(f"ends with ASCII {stripped[-1]!r}")
        for match in ASCII_MARK_BETWEEN_CJK.finditer(msgstr):
            found.append(f"ASCII mark in {match.group(0)!r}")
        for match in ASCII_BRACKET_AT_CJK.finditer(msgstr):
            found.append(f"ASCII bracket in {match.group(0)!r}")
    return found


# --- the rules themselves ------------------------------------------------------------------------


def test_the_parser_reads_singular_plural_multiline_and_fuzzy_entries():
    po = (
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py:1\nmsgid "Saved."\nmsgstr "已保存。"\n\n'
        'msgid ""\n"Two "\n"lines."\nmsgstr ""\n"两"\n"行。"\n\n'
        'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s 天"\n\n'
        '#, fuzzy\nmsgid "Old."\nmsgstr "旧."\n\n'
        '#~ msgid "Gone."\n#~ msgstr "没了."\n'
    )
    entries = parse_po(po)
    assert [(e.msgid, e.msgstrs, e.fuzzy) for e in entries] == [
        ("", ("Language: zh_Hans\n",), False),
        ("Saved.", ("已保存。",), False),
        ("Two lines.", ("两行。",), False),
        ("%(n)s day", ("%(n)s 天",), False),
        ("Old.", ("旧.",), True),
    ]


def test_the_rules_catch_ascii_marks_in_chinese_sentences_and_nothing_else():
    def check(msgid: str, msgstr: str) -> list[str]:
        return offences(Entry(1, msgid, (msgstr,), False))

    assert check("Saved.", "已保存.") == ["ends with ASCII '.'"]
    assert check("Where?", "在哪里?") == ["ends with ASCII '?'"]
    assert check("Name, phone", "姓名, 电话") == ["ASCII mark in '名, 电'"]
    assert check("Note: read", "注意:阅读") == ["ASCII mark in '意:阅'"]
    assert check("Saved.", "已保存。") == []
    assert check("Comment (optional)", "备注(可选)") == ["ASCII bracket in '注('", "ASCII bracket in '选)'"]
    assert check("Comment (optional)", "备注（可选）") == []
    assert check("%(name)s's request", "%(name)s的申请") == []
    assert check("Open at 9:00.", "9:00 开门。") == []
    assert check("PDF.", "PDF.") == []  # no Chinese in it
    assert offences(Entry(1, "Old.", ("旧.",), True)) == []  # fuzzy: not used


# --- the catalogue ----------------------------------------------------------------------------------


def test_every_chinese_translation_uses_chinese_punctuation():
    bad = [
        f"line {entry.line}: {entry.msgid!r} -> {entry.msgstrs!r}: {'; '.join(found)}"
        for entry in parse_po(PO_FILE.read_text(encoding="utf-8"))
        if (found := offences(entry))
    ]
    assert bad == [], "\n".join(bad)

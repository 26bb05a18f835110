"""No page or component of the web frontend shows Chinese written into it: every word a
user reads comes from the message catalog (gateway/web/src/i18n), so the Uyghur page is
Uyghur throughout. Comments may be in any language; the few Chinese texts that belong
in the code are listed in ALLOWED, each with its reason."""
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[3] / "gateway" / "web" / "src"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# file (relative to src) -> the exact Chinese snippets allowed there, and why.
ALLOWED = {
    # the logo: one glyph, hidden from screen readers (the brand name beside it is translated)
    "App.vue": ['aria-hidden="true">职<'],
    # official documents are Chinese (评审表, certificates, receipts and the server's
    # Chinese spreadsheets): their file names are too
    "views/applicant/ApplicationEdit.vue": ["`评审表-", "`证书-"],
    "views/review/Handle.vue": ["`评审表-"],
    "components/Attachments.vue": ["`附件存证回执-"],
    "components/AttachmentHistory.vue": ["`附件存证回执-"],
    "views/review/Query.vue": ["'申请书查询.xlsx'"],
    "views/stats/Statistics.vue": ["`统计-"],
}


def _blank(match):
    """The match replaced by spaces, its line breaks kept (line numbers stay right)."""
    return re.sub(r"[^\n]", " ", match.group(0))


def without_comments(text):
    """A .vue file with its HTML comments, JS/CSS block comments and // line comments
    blanked out. A // counts as a comment at a line's start or after a space, so a
    URL's :// inside a string is kept."""
    text = re.sub(r"<!--.*?-->", _blank, text, flags=re.S)
    text = re.sub(r"/\*.*?\*/", _blank, text, flags=re.S)
    return re.sub(r"(?m)(^|(?<=\s))//.*$", _blank, text)


def hardcoded_chinese(relative, text):
    """(line number, line) for each line that still shows Chinese outside ALLOWED."""
    found = []
    for number, line in enumerate(without_comments(text).splitlines(), start=1):
        for snippet in ALLOWED.get(relative, []):
            line = line.replace(snippet, "")
        if HAN.search(line):
            found.append((number, line.strip()))
    return found


def test_no_vue_file_shows_chinese_outside_the_catalog():
    found = []
    for path in sorted(SRC.rglob("*.vue")):
        relative = path.relative_to(SRC).as_posix()
        found += [f"{relative}:{n}: {line[:160]}" for n, line in hardcoded_chinese(relative, path.read_text("utf-8"))]
    assert not found, "Chinese written into pages (move it to src/i18n, zh-CN and ug-CN):\n" + "\n".join(found)


def test_every_allowed_exception_is_still_there():
    # An exception whose text is gone would silently allow it back later.
    for relative, snippets in ALLOWED.items():
        text = without_comments((SRC / relative).read_text("utf-8"))
        for snippet in snippets:
            assert snippet in text, f"{relative}: {snippet!r} is no longer there: drop it from ALLOWED"


def test_the_check_sees_chinese_in_templates_and_scripts_but_not_in_comments():
    page = """<template>
  <!-- 中文注释 -->
  <el-button title="保存">{{ t('common.save') }}</el-button>
</template>
<script setup>
// 说明
/* 多行
   说明 */
const url = 'http://example.org/a'
ElMessage.success('已保存')
</script>"""
    assert [n for n, _ in hardcoded_chinese("x.vue", page)] == [3, 10]

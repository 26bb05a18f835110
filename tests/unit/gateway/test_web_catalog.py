"""The web catalog is complete in both languages: every zh-CN message has its ug-CN
rendering with the same {values} (gateway/web/scripts/check-catalog.mjs)."""
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "gateway" / "web"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (the frontend build needs it too)")
def test_every_chinese_message_has_its_uyghur_rendering():
    done = subprocess.run(["node", str(WEB / "scripts" / "check-catalog.mjs")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr

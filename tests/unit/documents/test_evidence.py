"""The evidence check's two depths on the in-memory bucket: the quick one (size and
ETag, what submit and forward run) and the full re-hash (the nightly job); and when
a file counts as sealed."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from services.documents import evidence, files
from tests.unit.documents.memory_bucket import MemoryBucket
from zc_common.clock import iso, now
from zc_common.errors import Conflict

CONTENT = b"%PDF-1.4 evidence"


def stored(bucket, key="attachments/a/f/1", content=CONTENT):
    bucket.put(key, content, "application/pdf")
    return SimpleNamespace(id="f", application_id=key.split("/")[1], name="学历证书.pdf", section="education",
                           object_key=key, size=len(content),
                           sha256=files.sha256(content), etag=bucket.etag(key), stored_at=now(), detached_at=None)


def listed(bucket, row):
    return evidence.listed_problems(bucket, [row])(bucket, row)


@pytest.mark.parametrize("check", [evidence.quick_problem, evidence.full_problem, listed])
def test_missing_resized_and_altered_files_are_found(check):
    bucket = MemoryBucket()
    row = stored(bucket)
    assert check(bucket, row) is None
    bucket.put(row.object_key, CONTENT[:-1] + b"X")
    assert check(bucket, row) == "hash"
    bucket.put(row.object_key, CONTENT + b"more")
    assert check(bucket, row) == "size"
    bucket.remove(row.object_key)
    assert check(bucket, row) == "missing"


def test_submit_s_check_lists_the_application_once_for_all_its_files():
    bucket = MemoryBucket()
    rows = [stored(bucket, f"attachments/a/f{i}/1", CONTENT + bytes([i])) for i in range(4)]
    bucket.remove(rows[1].object_key)
    bucket.put(rows[2].object_key, CONTENT + b"longer")
    bucket.put(rows[3].object_key, CONTENT + b"!")  # same size, other bytes: another ETag
    found = evidence.damaged(bucket, rows, evidence.listed_problems(bucket, rows))
    assert [(item["id"], item["problem"]) for item in found] == [("f", "missing"), ("f", "size"), ("f", "hash")]
    assert [item["name"] for item in found] == ["学历证书.pdf"] * 3
    assert bucket.listings == 1
    # a file recorded without an ETag is asked about by a HEAD of its own
    rows[0].etag = None
    bucket.put(rows[0].object_key, CONTENT + b"??")
    assert evidence.listed_problems(bucket, rows[:1])(bucket, rows[0]) == "size" and bucket.listings == 1


def test_the_refusal_names_every_damaged_file():
    bucket = MemoryBucket()
    row = stored(bucket)
    bucket.remove(row.object_key)
    with pytest.raises(Conflict) as caught:
        evidence.ensure_intact(bucket, [row])
    assert caught.value.code == "evidence_damaged" and "「学历证书.pdf」" in caught.value.message
    assert caught.value.extra["files"][0]["problem"] == "missing"


def test_a_file_is_sealed_once_a_submit_came_after_it():
    row = stored(MemoryBucket())
    draft = {"history": []}
    later = {"history": [{"action": "submit", "at": iso(row.stored_at + timedelta(minutes=1))}]}
    earlier = {"history": [{"action": "submit", "at": iso(row.stored_at - timedelta(minutes=1))}]}
    assert not evidence.is_sealed(row, draft) and evidence.is_sealed(row, later)
    assert not evidence.is_sealed(row, earlier)  # uploaded after the last submit (a return)
    with pytest.raises(Conflict) as caught:
        evidence.ensure_replaceable(row, later)
    assert caught.value.code == "attachment_sealed"


def test_live_means_submitted_and_not_final():
    assert not evidence.is_live({"status": "draft", "status_info": {"final": False}})
    assert evidence.is_live({"status": "returned", "status_info": {"final": False}})
    assert not evidence.is_live({"status": "approved", "status_info": {"final": True}})

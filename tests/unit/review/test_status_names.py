"""While an application is in review, review's view names its status after the
node holding it — with applications' names (``names_at_node``), never its own."""
from services.applications import vocabulary
from services.review.views import named_at_node
from tests.unit.review.standins import ADMIN, staff
from tests.unit.review.test_service import submitted


def name_now(service):
    return service.review_view(service.applications.get_application_internal("a1"))["status_info"]["name"]


def test_the_status_in_review_is_named_after_the_node_that_holds_it(service):
    names = vocabulary.SUBMITTED_AT
    submitted(service)
    assert name_now(service) == names["unit"] == "申请人提交到基层工作单位"
    service.forward_application(ADMIN, "a1", "同意推荐")
    assert name_now(service) == names["department"]
    service.forward_application(staff("d1"), "a1", "同意")
    service.forward_application(staff("d2"), "a1", "同意")
    assert name_now(service) == names["committee"]
    service.forward_application(staff("c1", role="committee_staff"), "a1", "通过")
    assert name_now(service) == vocabulary.STATUSES["formal_review_passed"]["name"] == "已通过形式审核"


def test_submitted_before_review_opened_the_task_is_already_at_the_unit():
    route = [{"node": "applicant", "state": "done"}, {"node": "unit", "state": "pending"},
             {"node": "committee", "state": "pending"}]
    assert named_at_node(vocabulary.status_info("submitted"), route)["name"] == "申请人提交到基层工作单位"
    # Outside review the pending route names nothing: a draft keeps its own name.
    draft = [{**route[0], "state": "current"}, *route[1:]]
    assert named_at_node(vocabulary.status_info("draft"), draft)["name"] == "申请人"

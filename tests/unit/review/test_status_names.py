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
    # d1 sits below d2, the committee's 材料接收部门: 地州主管局, then 地厅级材料接收部门
    assert name_now(service) == names["prefecture_department"] == "提交到地州主管局"
    service.forward_application(staff("d1"), "a1", "同意")
    assert name_now(service) == names["receiving_department"] == "提交到地厅级材料接收部门"
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


def test_department_nodes_are_labelled_by_their_place_in_the_chain(service):
    submitted(service)
    route = service.review_view(service.applications.get_application_internal("a1"))["route"]
    assert [step["label"] for step in route] == [
        "申请人", "基层工作单位", "地州主管局", "地厅级材料接收部门", "评审机构"]
    assert [step["place"] for step in route][2:4] == ["prefecture_department", "receiving_department"]


def test_places_count_from_the_top_of_the_chain():
    from services.review.routing import places
    assert places(["unit", "department", "committee"]) == ["unit", "receiving_department", "committee"]
    assert places(["unit", "department", "department", "department", "committee"]) == [
        "unit", "county_department", "prefecture_department", "receiving_department", "committee"]
    labels = [vocabulary.node_label(p) for p in places(["department"] * 3)]
    assert labels == ["县(市)级材料接收部门", "地州主管局", "地厅级材料接收部门"]


def test_the_lists_say_where_a_submitted_application_is(service):
    """申请书审核 read 已提交 beside 办理's 申请人提交到基层工作单位: each list row
    carries the place of the node holding it, which the vocabulary's names_at_node names."""
    names = vocabulary.SUBMITTED_AT

    def listed(actor):
        [task] = service.list_tasks(actor)["items"]
        [found] = [row for row in service.query_applications(actor)["items"] if row["application_id"] == "a1"]
        return names[task["place"]], names[found["place"]]

    submitted(service)
    assert listed(ADMIN) == ("申请人提交到基层工作单位",) * 2
    service.forward_application(ADMIN, "a1", "同意推荐")
    assert listed(staff("d1")) == ("提交到地州主管局",) * 2
    # the unit's own 申请书查询 (applications' rows) asks where its applications are; another unit learns nothing
    assert names[service.unit_places(ADMIN, ["a1"])["a1"]] == "提交到地州主管局"
    assert service.unit_places({**ADMIN, "org_id": "u2"}, ["a1"]) == {}
    service.forward_application(staff("d1"), "a1", "同意")
    assert listed(staff("d2")) == ("提交到地厅级材料接收部门",) * 2
    service.forward_application(staff("d2"), "a1", "同意")
    committee = staff("c1", role="committee_staff")
    assert listed(committee) == ("提交到评审委员会",) * 2
    service.forward_application(committee, "a1", "通过")
    assert "place" not in service.query_applications(committee)["items"][0]  # no longer submitted

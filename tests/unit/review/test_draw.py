"""The screening rules (one test per exclusion reason) and the random draw:
reproducible from its seed, refusing more than the eligible, uniform over them."""
import random
from collections import Counter

import pytest

from services.review import draw
from zc_common.errors import Conflict

APPLICATION = {"id": "a1", "number": "RSSQ1",
               "applicant": {"id": "u1", "name": "王芳", "id_number": "650102199001011234"},
               "unit": {"id": "unit1", "name": "乌鲁木齐第一医院", "credit_code": "91650100MA77XXXX1X",
                        "region_code": "650102"}}


def expert(**overrides):
    return {"id": "e1", "name": "李专家", "id_number": "650103197001011111", "unit_name": "喀什医院",
            "unit_credit_code": None, "region_code": "653101", "relations": [], "specialties": ["内科"],
            **overrides}


def reasons(e, **options):
    return [code for code, _ in draw.exclusions_for(e, APPLICATION, **options)]


def test_an_unrelated_expert_is_not_excluded():
    assert reasons(expert()) == []


def test_own_unit_by_credit_code_or_by_name():
    assert reasons(expert(unit_credit_code="91650100MA77XXXX1X", unit_name="别名")) == ["own_unit"]
    assert reasons(expert(unit_name="乌鲁木齐 第一医院")) == ["own_unit"]   # spaces, widths fold
    # Both codes known and different: a namesake unit elsewhere is not the same unit.
    assert reasons(expert(unit_credit_code="91650100MA77YYYY1X", unit_name="乌鲁木齐第一医院")) == []


@pytest.mark.parametrize("relation", [
    {"kind": "family", "name": "王芳"},
    {"kind": "supervisor", "name": "别人", "id_number": "650102199001011234"},
    {"kind": "coauthor", "name": "王芳"},
    {"kind": "team", "unit_name": "乌鲁木齐第一医院"},
    {"kind": "team", "credit_code": "91650100MA77XXXX1X"},
])
def test_declared_relations(relation):
    assert reasons(expert(relations=[relation])) == ["relation"]


def test_a_relation_with_an_id_number_matches_by_it_not_by_name():
    assert reasons(expert(relations=[{"kind": "student", "name": "王芳", "id_number": "650102199101011235"}])) == []


def test_an_expert_who_applies_this_year_at_the_committee():
    found = draw.exclusions_for(expert(), APPLICATION, applies_this_year="RSSQ9")
    assert [code for code, _ in found] == ["applicant"] and "RSSQ9" in found[0][1]


def test_same_area_only_when_asked():
    near = expert(region_code="650102")
    assert reasons(near) == []
    assert reasons(near, exclude_same_area=True) == ["same_area"]


def test_screen_keeps_every_reason_and_filters_by_specialty():
    experts = [expert(id="e3"), expert(id="e1", unit_name="乌鲁木齐第一医院"), expert(id="e2", specialties=["外科"])]
    candidates = draw.screen(experts, [APPLICATION], specialties=["内科"])
    assert [c["expert_id"] for c in candidates] == ["e1", "e3"]    # by id; e2 not of the specialty
    assert candidates[0]["eligible"] is False and candidates[0]["exclusions"][0]["reason"] == "own_unit"
    assert candidates[1]["eligible"] is True


def candidates(n, ineligible=()):
    return [{"expert_id": f"e{i:02d}", "eligible": i not in ineligible} for i in range(n)]


def test_the_draw_is_reproducible_from_its_seed():
    pool = candidates(12, ineligible={3, 7})
    seed = draw.new_seed()
    first = draw.draw(pool, 7, 2, seed)
    assert first == draw.draw(pool, 7, 2, seed)
    members, reserves = first
    assert len(members) == 7 and len(reserves) == 2 and not {"e03", "e07"} & set(members + reserves)
    assert len(set(members + reserves)) == 9


def test_more_than_eligible_is_refused_naming_how_many():
    with pytest.raises(Conflict) as refused:
        draw.draw(candidates(9, ineligible={0, 1, 2}), 7, 0, "ab")
    assert refused.value.code == "not_enough_experts" and "6人" in refused.value.message
    assert refused.value.extra["eligible"] == 6


def test_reserves_shrink_to_what_is_left():
    members, reserves = draw.draw(candidates(8), 7, 3, "01")
    assert len(members) == 7 and len(reserves) == 1


def test_the_draw_is_uniform_over_the_eligible():
    """Each of 10 eligible experts is drawn into a panel of 3 with probability 3/10;
    over 6000 draws (seeds from a fixed generator) each count lies well within
    ±10% of 1800 (the standard deviation is about 35)."""
    pool = candidates(12, ineligible={4, 9})
    seeds = random.Random(20261202)
    counts = Counter()
    for _ in range(6000):
        members, _ = draw.draw(pool, 3, 0, f"{seeds.getrandbits(64):016x}")
        counts.update(members)
    assert set(counts) == {c["expert_id"] for c in pool if c["eligible"]}
    assert all(1620 <= n <= 1980 for n in counts.values()), counts

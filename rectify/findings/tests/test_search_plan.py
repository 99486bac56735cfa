"""A keyword search finds the same findings whichever way it reads them (``denormalized.search_plan``), and
chooses the way by the scope's size and by how common its words are."""

import pytest
from django.db import connection

from rectify.findings import denormalized
from rectify.findings.denormalized import INDEX, SCAN, search_plan
from rectify.findings.filters import FindingFilterSet
from rectify.findings.models import Finding
from rectify.testing import PASSWORD, make_finding

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index is PostgreSQL's")


@pytest.fixture
def texts(world):
    common = [make_finding(world, state="issued", title=f"专项资金未按规定用途使用{n}") for n in range(12)]
    rare = make_finding(world, state="issued", title="鹦鹉螺号采购超标", description="采购 鹦鹉螺 设备")
    other = make_finding(world, state="issued", title="会计核算不规范")
    return {"common": common, "rare": rare, "other": other}


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _ledger_ids(client, user, url: str) -> list[int]:
    assert client.login(username=user.username, password=PASSWORD)
    html = client.get(url, headers={"HX-Request": "true", "HX-Target": "ledger-table"}).content.decode()
    return [int(part.split("/")[0]) for part in html.split('href="/findings/')[1:]]


def test_a_scope_smaller_than_the_scan_bound_is_read_whole(world, texts):
    searched = search_plan(Finding.objects.restrict(world["auditor"]), "专项资金", scope_size=lambda: 10)
    assert searched.plan == SCAN
    assert _ids(searched.queryset) == {f.pk for f in texts["common"]}


@postgresql_only
def test_a_large_scope_reads_a_rare_word_by_the_index_and_a_common_one_in_order(world, texts, monkeypatch):
    monkeypatch.setattr(denormalized, "SCAN_SCOPE", 0)
    monkeypatch.setattr(denormalized, "DENSE_SHARE", 0.2)  # 12 of 14 hold 资金; 1 of 14 holds 鹦鹉螺
    visible = Finding.objects.restrict(world["auditor"])
    common = search_plan(visible, "专项 资金", scope_size=lambda: None)
    rare = search_plan(visible, "鹦鹉螺", scope_size=lambda: None)
    assert (common.plan, rare.plan) == (SCAN, INDEX)
    assert _ids(common.queryset) == {f.pk for f in texts["common"]}
    assert _ids(rare.queryset) == {texts["rare"].pk}
    assert "rectify_bigrams" in str(rare.queryset.query) and "rectify_bigrams" not in str(common.queryset.query)


@pytest.mark.parametrize("word", ["专项资金", "鹦鹉螺", "资金 使用", "不规范", "没有这个词"])
def test_the_ledger_lists_the_same_rows_whichever_way_it_reads(client, world, texts, monkeypatch, word):
    monkeypatch.setattr(denormalized, "SCAN_SCOPE", 10**9)
    scanned = _ledger_ids(client, world["auditor"], f"/ledger/?q={word}")
    monkeypatch.setattr(denormalized, "SCAN_SCOPE", 0)
    monkeypatch.setattr(denormalized, "DENSE_SHARE", 2.0)  # never dense: the index
    indexed = _ledger_ids(client, world["auditor"], f"/ledger/?q={word}")
    expected = {
        f.pk
        for f in Finding.objects.restrict(world["auditor"])
        if all(w in f.title + f.description for w in word.split())
    }
    assert scanned == indexed and set(scanned) == expected


def test_the_keyword_is_applied_after_the_other_filters_and_told_their_scope(world, texts, rf):
    request = rf.get("/ledger/")
    request.user = world["auditor"]
    sizes = []
    filterset = FindingFilterSet(
        {"q": "资金", "state": ["issued"]}, queryset=Finding.objects.restrict(world["auditor"]), request=request
    )
    filterset.scope_size = lambda fs: sizes.append(fs.plain_parts(besides_text=True)) or 5
    assert _ids(filterset.qs) == {f.pk for f in texts["common"]}
    assert filterset.searched is not None and filterset.searched.plan == SCAN
    if connection.vendor != "postgresql":
        assert sizes == []  # the scan is the only way there: nothing to choose
        return
    ((condition, _colours),) = sizes
    assert _ids(Finding.objects.filter(condition)) == _ids(Finding.objects.filter(state="issued"))

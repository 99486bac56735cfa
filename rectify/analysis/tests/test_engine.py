"""The engine without a database: normalisation, tokens, the index, the evaluation set."""

import numpy as np
import pytest
from django.conf import settings

from rectify.analysis import index
from rectify.analysis.tests import evaluation
from rectify.analysis.text import normalise, tokens


def test_amounts_dates_and_numbers_do_not_count():
    a = tokens("2021年度该单位将专项资金35.6万元用于支付办公楼维修费用，涉及3个项目。")
    b = tokens("2023年3月该单位将专项资金１２０，０００元用于支付办公楼维修费用，涉及五个项目。")
    assert a == b
    assert "35" not in normalise("35.6万元") and "年" not in "".join(tokens("2021年"))


def test_full_width_folds_to_half_width():
    assert normalise("ＡＢＣ，专项") == "abc,专项"


def test_the_audit_dictionary_keeps_terms_whole():
    assert "w:专项资金" in tokens("挪用专项资金")
    assert "w:非税收入" in tokens("非税收入未上缴国库")


def _segment(tmp_path, texts, **kwargs):
    path = tmp_path / "seg"
    index.write_segment(path, (index.Doc(i + 1, unit, 1, 2020, t) for i, (t, unit) in enumerate(texts)), **kwargs)
    return index.Segment.open(path)


def test_search_finds_the_restatement_first_and_scores_a_cosine(tmp_path):
    seg = _segment(
        tmp_path,
        [("挪用专项资金用于日常开支", 1), ("专项资金结余未及时上缴", 1), ("公务接待超标准", 2)],
    )
    hits = index.Index(seg, None).search("专项资金未按规定用途使用，用于日常开支", limit=3)
    assert hits[0].pk == 1
    assert 0 < hits[-1].score <= hits[0].score <= 1.0
    same = index.Index(seg, None).search("挪用专项资金用于日常开支", limit=1)
    assert same[0].score == pytest.approx(1.0, abs=1e-5)


def test_postings_are_impact_ordered_and_capped(tmp_path, monkeypatch):
    texts = [("专项资金" + "甲乙丙丁"[i % 4] * (i % 7 + 1), 1) for i in range(40)] + [("专项资金 挤占挪用", 2)]
    seg = _segment(tmp_path, texts)
    term = int(seg.lookup(["w:专项资金"])[0])
    postings = np.asarray(seg.post_impact[seg.indptr[term] : seg.indptr[term + 1]])
    assert len(postings) == 41 and np.all(np.diff(postings) <= 0)
    monkeypatch.setattr(index, "POSTINGS_CAP", 5)
    hits = index.Index(seg, None).search("专项资金被挤占挪用", limit=3)
    assert hits[0].pk == 41  # the rare terms still decide, the common one reads 5 postings only


def test_a_delta_overrides_the_base(tmp_path):
    base = _segment(tmp_path, [("公务接待超标准", 1), ("应招标未招标", 2)])
    path = tmp_path / "delta"
    index.write_segment(path, [index.Doc(1, 1, 1, 2020, "违规发放津贴补贴")], idf_of=base.idf_of)
    both = index.Index(base, index.Segment.open(path))
    assert [h.pk for h in both.search("违规发放津贴补贴", limit=5)] == [1]
    assert both.search("公务接待超标准", limit=5) == []


def test_unit_first_finds_the_units_own_findings(tmp_path):
    texts = [("公务接待超标准 餐费", 9)] * 10 + [("公务接待 标准", 3)]
    seg = _segment(tmp_path, texts)
    hits = index.Index(seg, None).search("公务接待超标准 餐费", limit=2, unit=3, unit_first=1)
    assert 11 in {h.pk for h in hits}


def test_the_evaluation_set_at_the_configured_threshold(tmp_path):
    result = evaluation.evaluate(tmp_path, settings.RECTIFY_REPEAT_THRESHOLD)
    assert result["pairs"] >= 60
    assert result["precision"] >= 0.9
    assert result["recall"] >= 0.9
    assert result["mrr"] >= 0.9

"""The narrative of a summary report: its sections, prefilled from the ledger when the report is
drafted, then edited by its drafters. The figures themselves are not part of the narrative: the
document states them from the stored figures, so an edited text can never disagree with them."""

from __future__ import annotations

from typing import Any

from rectify.summaries.choices import SummaryKind

# (key, heading) of the editable sections of each kind, in the document's order.
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    SummaryKind.SECTOR: (
        ("implementation", "一、落实整改情况"),
        ("supervision", "二、加强监管情况"),
        ("mechanisms", "三、完善长效机制情况"),
        ("common_problems", "四、行业共性问题分析"),
        ("next_steps", "五、下一步工作"),
    ),
    SummaryKind.COMMITTEE: (
        ("work", "一、审计整改工作开展情况"),
        ("problems", "三、整改中存在的主要问题"),
        ("accountability", "四、追责问责建议"),
        ("next_steps", "五、下一步工作"),
    ),
    SummaryKind.GOVERNMENT: (
        ("work", "一、审计整改工作开展情况"),
        ("problems", "三、整改中存在的主要问题"),
        ("accountability", "四、追责问责建议"),
        ("next_steps", "五、下一步工作"),
    ),
    SummaryKind.CONGRESS: (
        ("work", "一、审计整改工作部署和推进情况"),
        ("next_steps", "四、下一步工作安排"),
    ),
    SummaryKind.UNIT: (
        ("measures", "一、整改工作组织开展情况"),
        ("mechanisms", "三、建立健全长效机制情况"),
        ("next_steps", "四、下一步工作"),
    ),
}


def _names(rows, key: str = "unit", limit: int = 8) -> str:
    names = [row[key] for row in rows][:limit]
    return "、".join(names) + ("等" if len(rows) > limit else "")


def prefill(kind: str, figures: dict[str, Any]) -> dict[str, str]:
    """The starting text of each section, from the figures just computed (names, not numbers)."""
    totals = figures.get("totals", {})
    unrectified = figures.get("unrectified", [])
    overdue_units = sorted({item["unit"] for item in unrectified if item.get("days_overdue")})
    proposals = figures.get("accountability", [])
    common = [row for row in figures.get("common_problems", []) if row["units"] >= 2] or figures.get(
        "common_problems", []
    )[:3]
    text: dict[str, str] = {}
    if kind == SummaryKind.SECTOR:
        text["implementation"] = (
            "本部门认真履行主管部门监督管理责任，督促所属单位落实整改主体责任，对审计查出的问题逐项制定整改方案，"
            "明确整改措施、责任人和完成时限，实行清单化管理、对账销号。"
            + (
                f"截至报告日，{'、'.join(overdue_units[:8])}尚有逾期未完成整改的问题，本部门已督促其加快整改。"
                if overdue_units
                else ""
            )
        )
        text["supervision"] = (
            "本部门对所属单位整改情况开展跟踪督导，定期调度整改进度，对进度滞后的单位进行提醒督促，"
            "对整改结果进行抽查复核，确保整改真实、到位。"
        )
        text["mechanisms"] = (
            "针对审计反映的问题，本部门从体制机制层面研究解决，推动所属单位健全内部控制制度，堵塞管理漏洞，"
            "建立防止问题反弹的长效机制。"
        )
        text["common_problems"] = (
            "审计反映的问题主要集中在"
            + "、".join(f"{row['category']}（{row['units']}个单位{row['findings']}个问题）" for row in common[:5])
            + "等方面，在行业内具有一定的典型性、普遍性和倾向性，主要原因是制度执行不严、内部监督不到位。"
            if common
            else "本行业审计查出的问题未发现明显的共性问题。"
        )
        text["next_steps"] = (
            "下一步，本部门将持续督促所属单位对尚未完成的问题加快整改，举一反三开展行业自查自纠，巩固整改成效。"
        )
    elif kind in (SummaryKind.COMMITTEE, SummaryKind.GOVERNMENT):
        text["work"] = (
            "审计局坚持把督促整改作为审计工作的重要内容，建立审计整改台账，对审计查出的问题逐项明确整改要求，"
            "跟踪督促被审计单位和主管部门落实整改责任，对整改结果逐项核实认定、对账销号。"
        )
        text["problems"] = (
            (
                f"部分单位整改进度滞后，{'、'.join(overdue_units[:8])}等单位存在逾期未完成整改的问题；"
                if overdue_units
                else ""
            )
            + (
                f"{totals.get('long_term', 0)}个问题涉及体制机制或历史遗留原因，需持续整改；"
                if totals.get("long_term")
                else ""
            )
            + "个别单位整改质量不高，存在重形式轻实效的现象。"
        )
        text["accountability"] = (
            "建议对"
            + _names(proposals)
            + "等单位逾期未整改、虚假整改或屡审屡犯的问题，依规约谈单位主要负责人；情节严重的，提请有关部门追责问责。"
            if proposals
            else "本期未发现需要提请追责问责的情形。"
        )
        text["next_steps"] = "下一步，审计局将继续加强整改跟踪检查，对未完成整改的问题持续督促，推动建立健全长效机制。"
    elif kind == SummaryKind.CONGRESS:
        text["work"] = (
            "区政府高度重视审计查出问题整改工作，召开常务会议专题研究部署，压实被审计单位整改主体责任和主管部门监督管理责任，"
            "审计机关加强跟踪督促检查，建立整改台账，逐项对账销号。"
        )
        text["next_steps"] = (
            "区政府将继续督促有关部门和单位对尚未完成整改的问题加快推进，对需要持续整改的问题明确时间表和路线图，"
            "并将整改情况纳入年度目标管理绩效考核，推动建立健全长效机制。"
        )
    elif kind == SummaryKind.UNIT:
        text["measures"] = (
            "我单位高度重视审计查出问题的整改工作，成立了由主要负责人任组长的整改工作领导小组，"
            "对照问题清单逐项制定整改方案，明确整改措施、责任人和完成时限。"
        )
        text["mechanisms"] = (
            "针对审计查出的问题，我单位举一反三，修订完善了相关内部管理制度，建立防止问题反弹的长效机制。"
        )
        text["next_steps"] = (
            "对尚未完成整改的问题，我单位将按照整改方案和时间表加快推进，按期报送整改进展，确保整改到位。"
        )
    return text


def default_sections(kind: str, figures: dict[str, Any]) -> list[dict[str, str]]:
    filled = prefill(kind, figures)
    return [{"key": key, "heading": heading, "text": filled.get(key, "")} for key, heading in SECTIONS[kind]]

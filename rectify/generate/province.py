"""The synthetic province: its name, its cities and their districts, with unique codes.

Fictional: the names are built from common place-name syllables, so no real district's figures are
implied. Codes are short and unique (province ``SY``, city ``SY03``, district ``SY0307``); a district's
code starts its ledger numbers (``SY0307-2024-003-012``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PROVINCE = ("示范省", "SY")

CITY_NAMES = [
    "江州", "临川", "安平", "青阳", "永宁", "南华", "东岳", "西陵", "北川", "宁远", "兴隆", "清河",
    "长丰", "广德", "云溪", "瑞安", "武阳", "凤台", "平江", "龙泉", "金城", "玉山", "富顺", "嘉禾",
]  # fmt: skip
FIRST = "东西南北上下新旧高长平安永兴龙凤金玉青白红石云水山河湖桥溪江泉林松竹梅"
SECOND = "城阳宁安平川山江河湖源泉林溪口坪坝桥台岭峰湾洲田原"
SUFFIXES = ["区", "区", "县", "县", "县", "市"]  # 县级市 among them


@dataclass(frozen=True)
class Place:
    """A district of the province, as named before its rows are written."""

    index: int
    city_index: int
    name: str  # 涪城区
    code: str  # SY0307
    city_name: str  # 江州市
    city_code: str  # SY03

    @property
    def full(self) -> str:
        """The prefix its organizations' names take (江州市涪城区), in place of the demo's 重庆市黔江区."""
        return f"{self.city_name}{self.name}"

    @property
    def abbr(self) -> str:
        """The short form in document numbers (涪城审〔2024〕3号)."""
        return self.name[:-1] if len(self.name) > 2 else self.name


def default_districts(findings: int) -> int:
    """About 10,000 findings a district (two years of a busy district's audits over five years), 2 at least."""
    return max(2, min(400, round(findings / 10_000)))


def places(districts: int, seed: int) -> list[Place]:
    """``districts`` districts spread over cities of about eight districts each."""
    rng = random.Random(f"province-{seed}")
    cities = max(1, min(len(CITY_NAMES), round(districts / 8)))
    used: set[str] = set()
    result = []
    for index in range(districts):
        city_index = index % cities
        while True:
            name = rng.choice(FIRST) + rng.choice(SECOND) + rng.choice(SUFFIXES)
            if name[:2] not in used:
                used.add(name[:2])
                break
        result.append(
            Place(
                index=index,
                city_index=city_index,
                name=name,
                code=f"{PROVINCE[1]}{city_index + 1:02d}{index // cities + 1:02d}",
                city_name=f"{CITY_NAMES[city_index]}市",
                city_code=f"{PROVINCE[1]}{city_index + 1:02d}",
            )
        )
    return result

from __future__ import annotations

import datetime

from rectify.congress import services
from rectify.findings.warning import local_today


def days(n: int) -> datetime.date:
    return local_today() + datetime.timedelta(days=n)


def make_congress_matter(world, *, kind="special_inquiry", to=None):
    """A special inquiry putting questions to the department and to the transport bureau, due in 30 days."""
    to = to if to is not None else [world.dept, world.other_unit]
    return services.record_matter(
        world["congress"],
        kind=kind,
        title="关于审计查出问题整改情况的专题询问",
        session="区人大常委会第十二次会议",
        held_on=local_today(),
        content="就教育经费和交通专项资金审计查出问题的整改情况开展专题询问。",
        questions=[services.QuestionSpec(org, f"请{org.name}说明整改进展。", days(30)) for org in to],
    )

"""The one filterset of subscriptions: the web list and the API use it alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from rectify.core.filters import IdFilter
from rectify.sharing.choices import SubscriptionState, Target
from rectify.sharing.models import Subscription


class SubscriptionFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("状态"), choices=SubscriptionState.choices)
    target = django_filters.ChoiceFilter(label=_("订阅范围"), choices=Target.choices)
    subscriber = IdFilter(label=_("订阅单位"), field_name="subscriber_id")
    unit = IdFilter(label=_("被审计单位"), field_name="unit_id")

    class Meta:
        model = Subscription
        fields = ["state", "target", "subscriber", "unit"]

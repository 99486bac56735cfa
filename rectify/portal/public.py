"""The public portal (``/public/``, no sign-in; DESIGN.md section 7): the list of published
announcements with search and filters, their pages, an Atom feed and a read-only JSON.

Only announcements for the public that were released reach it: the current ones are listed; a
superseded one still opens, saying it was corrected and linking to the correction; a withdrawn one
opens showing only that it was withdrawn, when and why. Everything shown is read from the frozen items
(the fields chosen for publication), never from the findings. The pages are rendered without the
request's context (no session, no user, no CSRF token), in their own base template; caching, the
absence of cookies and the rate limit are ``rectify.portal.middleware``'s.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from rectify.portal.choices import RELEASED, AnnouncementState, Audience, Publisher
from rectify.portal.filters import PublicFilterSet
from rectify.portal.models import Announcement, AnnouncementItem

PAGE = 20
API_PAGE = 50
FEED_SIZE = 50
CARE = "care"  # ?care=1: the large-text, high-contrast mode (关怀版), without script or cookie

# The public fields of an item, and of an announcement: the same for the pages, the feed and the JSON.
ITEM_FIELDS = (
    "number", "ledger_number", "year", "unit_name", "category_name", "title", "summary",
    "requirements_summary", "result", "amount_rectified",
)  # fmt: skip


def released() -> object:
    return Announcement.objects.filter(audience=Audience.PUBLIC, state__in=RELEASED)


def current() -> object:
    return Announcement.objects.filter(audience=Audience.PUBLIC, state=AnnouncementState.PUBLISHED)


def _care(request: HttpRequest) -> bool:
    return request.GET.get(CARE) == "1"


def _with(params: dict, **changes) -> str:
    merged = {key: value for key, value in {**params, **changes}.items() if value not in (None, "")}
    return "?" + urlencode(merged) if merged else ""


def _render(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    care = _care(request)
    path = request.path
    base = {
        "care": care,
        "care_query": "?care=1" if care else "",
        "care_amp": "&care=1" if care else "",
        "toggle_url": path + _with({k: v for k, v in request.GET.items()}, care="" if care else "1"),
        "LANGUAGE_CODE": translation.get_language(),
    }
    html = render_to_string(template, {**base, **context})
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


def _not_found(request: HttpRequest) -> HttpResponse:
    return _render(request, "portal/public/not_found.html", {}, status=404)


def _options() -> dict:
    """What the filters offer: the years, units and categories of the current announcements' items."""
    items = AnnouncementItem.objects.filter(
        announcement__audience=Audience.PUBLIC, announcement__state=AnnouncementState.PUBLISHED
    )
    return {
        "years": sorted(set(items.values_list("year", flat=True)), reverse=True),
        "units": sorted(set(items.values_list("unit_id", "unit_name")), key=lambda u: u[1]),
        "categories": sorted(set(items.values_list("category_id", "category_name")), key=lambda c: c[1]),
    }


def announcement_list(request: HttpRequest) -> HttpResponse:
    kept = Q(items__deleted_at__isnull=True)  # an item taken out of the draft stays as a deleted row
    queryset = current().annotate(
        item_count=Count("items", filter=kept), amount=Sum("items__amount_rectified", filter=kept)
    )
    filterset = PublicFilterSet(request.GET, queryset=queryset)
    found = filterset.qs.order_by("-published_at", "-pk")
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    params = {key: request.GET.get(key, "") for key in ("q", "year", "unit", "category", "kind", CARE)}
    chosen = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    return _render(
        request,
        "portal/public/list.html",
        {
            "page": page,
            "announcements": list(page.object_list),
            "params": params,
            "chosen": chosen,
            "errors": filterset.form.errors,
            "kinds": Publisher.choices,
            "previous_url": _with(params, page=page.previous_page_number()) if page.has_previous() else "",
            "next_url": _with(params, page=page.next_page_number()) if page.has_next() else "",
            "filtered": any(params[k] for k in ("q", "year", "unit", "category", "kind")),
            **_options(),
        },
    )


def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = (
        released()
        .select_related("corrects")
        .prefetch_related(Prefetch("items", AnnouncementItem.objects.order_by("number", "pk")))
        .filter(pk=pk)
        .first()
    )
    if announcement is None:
        return _not_found(request)
    withdrawn = announcement.state == AnnouncementState.WITHDRAWN
    correction = None
    if announcement.state == AnnouncementState.SUPERSEDED:
        correction = released().filter(corrects_id=announcement.pk).only("pk", "published_at", "title").first()
    items = [] if withdrawn else list(announcement.items.all())
    return _render(
        request,
        "portal/public/detail.html",
        {
            "announcement": announcement,
            "withdrawn": withdrawn,
            "correction": correction,
            "corrects": announcement.corrects if announcement.corrects_id and not withdrawn else None,
            "items": items,
            "total": sum((i.amount_rectified for i in items), start=0),
        },
    )


# --- the JSON ---------------------------------------------------------------------------------------


def _public_item(item: AnnouncementItem) -> dict:
    data = {field: getattr(item, field) for field in ITEM_FIELDS}
    data["amount_rectified"] = str(item.amount_rectified)
    return data


def _public_announcement(request: HttpRequest, a: Announcement, *, items: list | None = None) -> dict:
    url = request.build_absolute_uri(a.get_public_url())
    if a.state == AnnouncementState.WITHDRAWN:
        return {
            "id": a.pk, "url": url, "state": a.state, "withdrawn_at": a.withdrawn_at,
            "withdrawal_reason": a.withdrawal_reason, "publisher": a.publisher_name,
        }  # fmt: skip
    data = {
        "id": a.pk, "url": url, "state": a.state, "kind": a.kind, "title": a.title,
        "introduction": a.introduction, "publisher": a.publisher_name, "published_at": a.published_at,
        "revision": a.revision, "corrects": a.corrects_id, "correction_note": a.correction_note,
    }  # fmt: skip
    if items is not None:
        data["items"] = [_public_item(i) for i in items]
    return data


def api_list(request: HttpRequest) -> JsonResponse:
    filterset = PublicFilterSet(request.GET, queryset=current())
    if not filterset.form.is_valid():
        return JsonResponse({k: [str(m) for m in v] for k, v in filterset.form.errors.items()}, status=400)
    page = Paginator(filterset.qs.order_by("-published_at", "-pk"), API_PAGE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items()}

    def link(number):
        return request.build_absolute_uri(request.path + _with(params, page=number))

    return JsonResponse(
        {
            "count": page.paginator.count,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [_public_announcement(request, a) for a in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def api_detail(request: HttpRequest, pk: int) -> JsonResponse:
    announcement = (
        released().prefetch_related(Prefetch("items", AnnouncementItem.objects.order_by("number", "pk")))
        .filter(pk=pk).first()
    )  # fmt: skip
    if announcement is None:
        return JsonResponse({"detail": str(_("公告不存在。"))}, status=404)
    data = _public_announcement(request, announcement, items=list(announcement.items.all()))
    if announcement.state == AnnouncementState.SUPERSEDED:
        correction = released().filter(corrects_id=announcement.pk).values_list("pk", flat=True).first()
        data["corrected_by"] = correction
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


# --- the feed ---------------------------------------------------------------------------------------


class AnnouncementFeed(Feed):
    feed_type = Atom1Feed
    title = _("审计整改公告")
    subtitle = _("审计机关和被审计单位公告的审计查出问题整改情况")

    def link(self) -> str:
        return reverse("portal:public-list")

    def items(self):
        return list(current().order_by("-published_at", "-pk")[:FEED_SIZE])

    def item_title(self, item: Announcement) -> str:
        return item.title

    def item_description(self, item: Announcement) -> str:
        return item.introduction

    def item_link(self, item: Announcement) -> str:
        return item.get_public_url()

    def item_pubdate(self, item: Announcement):
        return item.published_at

    def item_updateddate(self, item: Announcement):
        return item.published_at or timezone.now()

    def item_author_name(self, item: Announcement) -> str:
        return item.publisher_name

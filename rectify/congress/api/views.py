"""People's Congress matters over HTTP: ``/api/congress-matters/`` (recording with POST, ``questions`` to
put one more, ``edit``, ``close``) and ``/api/congress-questions/`` (``answer``, by the department asked). Scoped
and paginated; an object out of scope is a 404."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response as HttpResponse

from rectify.api.base import RestrictedViewSet, organizations_by_id
from rectify.congress import services
from rectify.congress.api.serializers import (
    CongressAnswerInputSerializer,
    CongressCommentInputSerializer,
    CongressMatterEditInputSerializer,
    CongressMatterInputSerializer,
    CongressMatterSerializer,
    CongressQuestionInputSerializer,
    QuestionSerializer,
)
from rectify.congress.filters import CongressMatterFilterSet
from rectify.congress.models import CongressMatter, Question, Response, Step


class CongressMatterViewSet(RestrictedViewSet):
    """人大监督事项 (resolutions, special inquiries, interpellations): the congress's, the government's and the
    audit office's of their jurisdiction, a department those that question it; ``kind``, ``state``,
    ``unit`` (a department asked), ``year``, ``q``."""

    model = CongressMatter
    serializer_class = CongressMatterSerializer
    filterset_class = CongressMatterFilterSet
    ordering_fields = ["held_on", "created"]

    def get_base_queryset(self):
        user = self.request.user
        questions = (
            Question.objects.restrict(user)
            .select_related("organization")
            .prefetch_related(Prefetch("responses", Response.objects.order_by("at", "pk")))
            .order_by("due_date", "pk")
        )
        return (
            CongressMatter.objects.restrict(user)
            .select_related("issuer")
            .prefetch_related(
                Prefetch("questions", questions, to_attr="visible_questions"),
                Prefetch("steps", Step.objects.order_by("at", "pk"), to_attr="all_steps"),
            )
            .order_by("-held_on", "-pk")
        )

    def _answer(self, matter, code=status.HTTP_200_OK):
        return HttpResponse(
            self.represent(CongressMatterSerializer, self.get_base_queryset().get(pk=matter.pk)), status=code
        )

    @extend_schema(
        request=CongressMatterInputSerializer, responses={201: CongressMatterSerializer, 403: OpenApiResponse()}
    )
    def create(self, request):
        """登记 (the congress office; with the questions put to each department)."""
        data = self.validated(CongressMatterInputSerializer)
        orgs = organizations_by_id([q["organization"] for q in data["questions"]], "questions")
        specs = [
            services.QuestionSpec(org, q["text"], q["due_date"]) for org, q in zip(orgs, data["questions"], strict=True)
        ]
        matter = services.record_matter(
            request.user, kind=data["kind"], title=data["title"], session=data["session"], held_on=data["held_on"],
            content=data["content"],
            questions=specs,
        )  # fmt: skip
        return self._answer(matter, status.HTTP_201_CREATED)

    @extend_schema(
        request=CongressQuestionInputSerializer, responses={200: CongressMatterSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def questions(self, request, pk=None):
        """追加询问 (one more department, its question and due date)."""
        matter = self.get_object()
        data = self.validated(CongressQuestionInputSerializer)
        (org,) = organizations_by_id([data["organization"]], "organization")
        services.add_question(request.user, matter, services.QuestionSpec(org, data["text"], data["due_date"]))
        return self._answer(matter)

    @extend_schema(
        request=CongressMatterEditInputSerializer,
        responses={200: CongressMatterSerializer, 403: OpenApiResponse(), 412: OpenApiResponse()},
    )
    @action(detail=True, methods=["post"])
    def edit(self, request, pk=None):
        """修改 (the congress office, while open; from the ``version`` it read, or If-Match)."""
        matter = self.get_object()
        data = self.validated(CongressMatterEditInputSerializer)
        services.update_matter(
            request.user, matter, kind=data["kind"], title=data["title"], session=data["session"],
            held_on=data["held_on"], content=data["content"],
            version=data.get("version") or request.headers.get("If-Match"),
        )  # fmt: skip
        return self._answer(matter)

    @extend_schema(
        request=CongressCommentInputSerializer, responses={200: CongressMatterSerializer, 403: OpenApiResponse()}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """办结 (once every question is answered)."""
        matter = self.get_object()
        services.close_matter(request.user, matter, self.validated(CongressCommentInputSerializer)["comment"])
        return self._answer(matter)


class QuestionViewSet(RestrictedViewSet):
    """询问事项 (the questions put to departments, with their responses): a department sees its own."""

    model = Question
    serializer_class = QuestionSerializer
    ordering_fields = ["due_date"]

    def get_base_queryset(self):
        return (
            Question.objects.restrict(self.request.user)
            .select_related("organization")
            .prefetch_related(Prefetch("responses", Response.objects.order_by("at", "pk")))
            .order_by("due_date", "pk")
        )

    @extend_schema(request=CongressAnswerInputSerializer, responses={200: QuestionSerializer, 403: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """答复 (the department asked)."""
        question = self.get_object()
        data = self.validated(CongressAnswerInputSerializer)
        services.answer_question(request.user, question, text=data["text"], responded_on=data["responded_on"])
        return HttpResponse(self.represent(QuestionSerializer, self.get_base_queryset().get(pk=question.pk)))

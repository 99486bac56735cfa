from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rectify.congress.choices import CongressKind
from rectify.congress.models import CongressMatter, Question, Response, Step
from rectify.core.filters import MAX_ID


class ResponseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Response
        fields = ["id", "text", "responded_on", "responded_by", "responder_name", "at"]
        read_only_fields = fields


class QuestionSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    overdue = serializers.SerializerMethodField()
    responses = ResponseSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id", "matter", "organization", "organization_name", "text", "due_date", "state", "overdue",
            "answered_at", "responses",
        ]  # fmt: skip
        read_only_fields = fields

    def get_overdue(self, question) -> bool:
        return question.is_overdue()


class CongressStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["id", "kind", "question", "actor", "actor_name", "organization_name", "at", "comment"]
        read_only_fields = fields


class CongressMatterSerializer(serializers.ModelSerializer):
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    questions = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    class Meta:
        model = CongressMatter
        fields = [
            "id", "issuer", "issuer_name", "kind", "title", "session", "held_on", "content", "state", "recorded_by",
            "created", "closed_by", "closed_at", "closing_comment", "version", "questions", "steps",
        ]  # fmt: skip
        read_only_fields = fields

    def get_questions(self, matter) -> list[dict]:
        # Only the questions the caller sees (a department its own), prefetched by the view.
        return QuestionSerializer(getattr(matter, "visible_questions", []), many=True).data

    @extend_schema_field(CongressStepSerializer(many=True))
    def get_steps(self, matter) -> list[dict]:
        # The record: the matter's own steps and those of the questions the caller sees (prefetched by the view).
        visible = {q.pk for q in getattr(matter, "visible_questions", [])}
        steps = [s for s in getattr(matter, "all_steps", []) if s.question_id is None or s.question_id in visible]
        return CongressStepSerializer(steps, many=True).data


class CongressQuestionInputSerializer(serializers.Serializer):
    organization = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    text = serializers.CharField()
    due_date = serializers.DateField()


class CongressMatterInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CongressKind.choices)
    title = serializers.CharField(max_length=200)
    session = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    content = serializers.CharField()
    questions = CongressQuestionInputSerializer(many=True)


class CongressMatterEditInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CongressKind.choices)
    title = serializers.CharField(max_length=200)
    session = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    content = serializers.CharField()
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1,
        help_text="The version the edit was made from (or the If-Match header); an older one is refused (412).",
    )  # fmt: skip


class CongressAnswerInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    responded_on = serializers.DateField(required=False, allow_null=True, default=None)


class CongressCommentInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")

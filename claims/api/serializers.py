"""Read and write shapes of claims, speakers and verdicts (DESIGN.md, "The API contract")."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import selectors
from claims.models import (
    AttributionKind,
    CheckRun,
    Claim,
    ClaimKind,
    Qualifier,
    Rating,
    Speaker,
    SpeakerKind,
    Verdict,
)
from factcheck.fields import ModelSerializer, SlugRelatedField, ValueField
from sources.models import Observation, ReferenceSeries, Source, Unit


# --- speakers ---------------------------------------------------------------------------------------------------


class SpeakerSerializer(ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["id", "name", "kind", "role", "organization", "same_as"]


class SpeakerWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=SpeakerKind.choices)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organization = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    same_as = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")


# --- verdicts ---------------------------------------------------------------------------------------------------


class ObservationRefSerializer(ModelSerializer):
    class Meta:
        model = Observation
        fields = ["period_start", "period_end", "value", "vintage"]


class VerdictSerializer(ModelSerializer):
    label = serializers.CharField(read_only=True)
    observation = ObservationRefSerializer(read_only=True, allow_null=True)
    baseline_observation = ObservationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "rating",
            "rating_value",
            "label",
            "explanation",
            "made_by",
            "claimed_value",
            "reference_value",
            "deviation",
            "deviation_unit",
            "rule",
            "reason",
            "observation",
            "baseline_observation",
            "policy_version",
            "created_at",
            "published_at",
            "supersedes",
            "note",
        ]


class CorrectionSerializer(serializers.Serializer):
    """One entry of a claim's public correction log: a change of its published rating."""

    verdict = serializers.IntegerField(source="verdict.pk")
    corrected_at = serializers.DateTimeField(source="verdict.published_at")
    previous_rating = serializers.CharField(source="previous.rating")
    rating = serializers.CharField(source="verdict.rating")
    made_by = serializers.CharField(source="verdict.made_by")
    note = serializers.CharField()


class CheckRunSerializer(ModelSerializer):
    class Meta:
        model = CheckRun
        fields = [
            "id",
            "claim",
            "claim_version",
            "data_version",
            "policy_version",
            "state",
            "outcome",
            "error",
            "started_at",
            "finished_at",
            "duration_ms",
            "attempts",
        ]


# --- claims -----------------------------------------------------------------------------------------------------


class QuantitySerializer(serializers.Serializer):
    value = ValueField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    counted_noun = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, required=False, default=Qualifier.EXACT)
    kind = serializers.ChoiceField(choices=ClaimKind.choices, required=False, default=ClaimKind.LEVEL)
    as_of = serializers.DateField(required=False, allow_null=True, default=None)
    baseline_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)


class AppearanceWriteSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())
    excerpt = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class AppearanceSerializer(serializers.Serializer):
    source = serializers.IntegerField(source="source.pk")
    url = serializers.URLField(source="source.url")
    title = serializers.CharField(source="source.title")
    outlet = serializers.CharField(source="source.outlet.name", default=None, allow_null=True)
    published_on = serializers.DateField(source="source.published_on", allow_null=True)
    excerpt = serializers.CharField()
    is_first = serializers.BooleanField()


class ClaimWriteSerializer(serializers.Serializer):
    """What a client may set on a claim; `version` is required on PATCH (optimistic locking)."""

    text = serializers.CharField(max_length=5000)
    speaker = serializers.PrimaryKeyRelatedField(queryset=Speaker.objects.all(), required=False, allow_null=True)
    attribution_kind = serializers.ChoiceField(choices=AttributionKind.choices, required=False)
    stated_on = serializers.DateField(required=False, allow_null=True)
    topics = serializers.ListField(child=serializers.SlugField(max_length=100), required=False, max_length=50)
    appearances = AppearanceWriteSerializer(many=True, required=False)
    series = SlugRelatedField(slug_field="slug", queryset=ReferenceSeries.objects.all(), required=False, allow_null=True)
    quantity = QuantitySerializer(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)

    def validate_quantity(self, quantity):
        # A PATCH validates partially, nested serializers included; a quantity is still replaced whole.
        missing = [field for field in ("value", "unit") if quantity is not None and field not in quantity]
        if missing:
            raise serializers.ValidationError({field: ["This field is required."] for field in missing})
        return quantity

    def validate(self, attrs):
        if self.partial and "version" not in attrs:
            raise serializers.ValidationError({"version": ["Send the version you read; edits are refused without it."]})
        return attrs


class ClaimSerializer(ModelSerializer):
    """A claim as read. `computed_verdict`, `drift` and `notes` are for editors only: absent for anyone else."""

    speaker = SpeakerSerializer(read_only=True, allow_null=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    series = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    quantity = serializers.SerializerMethodField()
    appearances = AppearanceSerializer(many=True, read_only=True)
    verdict = VerdictSerializer(source="published_verdict", read_only=True, allow_null=True)
    corrections = serializers.SerializerMethodField()
    next_check_due = serializers.SerializerMethodField()
    computed_verdict = VerdictSerializer(read_only=True, allow_null=True)
    drift = serializers.BooleanField(read_only=True)

    EDITOR_ONLY = ("computed_verdict", "drift", "notes")

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "speaker",
            "attribution_kind",
            "stated_on",
            "topics",
            "status",
            "version",
            "quantity",
            "series",
            "appearances",
            "verdict",
            "corrections",
            "last_checked_at",
            "next_check_due",
            "computed_verdict",
            "drift",
            "notes",
        ]

    @extend_schema_field(QuantitySerializer(allow_null=True))
    def get_quantity(self, claim: Claim):
        if claim.value is None:
            return None
        return QuantitySerializer(claim).data

    @extend_schema_field(CorrectionSerializer(many=True))
    def get_corrections(self, claim: Claim):
        return CorrectionSerializer(selectors.claim_corrections(claim), many=True).data

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_next_check_due(self, claim: Claim):
        due = selectors.claim_next_check_due(claim)
        return serializers.DateTimeField().to_representation(due) if due else None

    def get_fields(self):
        fields = super().get_fields()
        view = self.context.get("view")
        if getattr(view, "swagger_fake_view", False):
            return fields  # the schema documents every key; the editor-only ones are optional there
        if not self.context.get("editor"):
            for name in self.EDITOR_ONLY:
                fields.pop(name, None)
        return fields


class CheckResponseSerializer(serializers.Serializer):
    check_run = CheckRunSerializer()
    computed_verdict = VerdictSerializer(allow_null=True)


# An editor may give any rating but `pending`, which only the engine says of a forecast not yet due.
EDITOR_RATING_CHOICES = [(value, label) for value, label in Rating.choices if value != Rating.PENDING]


class PublishSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=EDITOR_RATING_CHOICES, required=False)
    explanation = serializers.CharField(required=False, allow_blank=False, max_length=5000)

    def validate(self, attrs):
        if ("rating" in attrs) != ("explanation" in attrs):
            raise serializers.ValidationError(
                {"explanation" if "rating" in attrs else "rating": ["An editor's verdict needs both a rating and an explanation."]}
            )
        return attrs


class CorrectSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=EDITOR_RATING_CHOICES)
    explanation = serializers.CharField(max_length=5000)
    note = serializers.CharField(max_length=5000)


class ExtractRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200_000, trim_whitespace=False)
    published = serializers.DateField(required=False, allow_null=True, default=None)


class CandidateSerializer(serializers.Serializer):
    """One proposed numeric claim (claims.extraction.Candidate)."""

    value = serializers.CharField()
    unit = serializers.CharField()
    counted_noun = serializers.CharField(allow_blank=True)
    qualifier = serializers.CharField()
    kind = serializers.CharField()
    as_of = serializers.DateField(allow_null=True)
    baseline_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    surface = serializers.CharField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    sentence = serializers.CharField()
    speaker = serializers.CharField(allow_null=True)
    attribution_kind = serializers.CharField()
    score = serializers.FloatField()
    vague = serializers.BooleanField()


class ExtractResponseSerializer(serializers.Serializer):
    candidates = CandidateSerializer(many=True)

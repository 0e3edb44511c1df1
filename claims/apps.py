from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "claims"
    verbose_name = "Claims and verdicts"

    def ready(self):
        # `sources` never imports `claims`; what of it the public may see is decided here and handed over.
        from sources import selectors as source_selectors

        from . import selectors, signals  # noqa: F401  (signals keep search documents current)

        for model, condition in selectors.PUBLIC_CONDITIONS.items():
            source_selectors.register_public_condition(model, condition)

from rest_framework.renderers import JSONRenderer


class JSONLDRenderer(JSONRenderer):
    """JSON-LD (schema.org) documents, served as application/ld+json."""

    media_type = "application/ld+json"
    format = "jsonld"

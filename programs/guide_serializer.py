"""YAML serialization module that also understands guide fixtures.

Registered for the ``yaml`` format (settings.SERIALIZATION_MODULES), so ``manage.py loaddata
fixtures/<guide>.yaml`` checks a guide before touching the database and refuses a bad one with
the same messages as ``validate_guide``. Plain Django YAML fixtures (a list of objects) pass
through to Django's own deserializer.
"""

from collections.abc import Iterator
from io import StringIO

from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.core.serializers.pyyaml import Deserializer as DjangoYamlDeserializer
from django.core.serializers.pyyaml import Serializer  # noqa: F401  (dumpdata keeps working)

from .guide_format import GuideFormatError, check_guide, is_guide_document, parse_guide
from .guide_loader import guide_objects


class GuideInvalid(CommandError, DeserializationError):
    """A guide fixture that failed its checks; nothing was loaded."""


def Deserializer(stream_or_string, **options) -> Iterator[DeserializedObject]:  # noqa: N802 (Django's API)
    text = stream_or_string if isinstance(stream_or_string, str | bytes) else stream_or_string.read()
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    try:
        data = parse_guide(text)
    except GuideFormatError as exc:
        raise GuideInvalid(str(exc)) from exc
    if not is_guide_document(data):
        yield from DjangoYamlDeserializer(StringIO(text), **options)
        return
    problems = check_guide(data, text)
    if problems:
        raise GuideInvalid("\n".join(problems))
    for obj in guide_objects(data):
        yield DeserializedObject(obj)

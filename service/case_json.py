"""CASE 1.1 packages (CFPackage JSON: CFDocument, CFItems, CFAssociations) read through
allow-list schemas into the domain's `Package`. Fields Selfpath does not use (CFDefinitions,
notes, educational levels...) are ignored; what it stores is checked and bounded."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from paths.competencies.package import AssociationData, DocumentData, ItemData, Package
from paths.errors import DomainError
from service.path_json import flatten_errors, parse_document

MAX_ITEMS = 5000
MAX_ASSOCIATIONS = 20000
MAX_BYTES = 5 * 1024 * 1024
# CASE 1.1's association types.
ASSOCIATION_TYPES = (
    "isChildOf",
    "isPeerOf",
    "isPartOf",
    "exactMatchOf",
    "precedes",
    "isRelatedTo",
    "replacedBy",
    "exemplar",
    "hasSkillLevel",
    "isTranslationOf",
)


def _uri() -> fields.Url:
    return fields.Url(
        required=True,
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(1, 2048),
    )


class _Case(Schema):
    class Meta:
        unknown = EXCLUDE  # CASE carries many fields Selfpath has no use for


class DocumentSchema(_Case):
    identifier = fields.UUID(required=True)
    uri = _uri()
    title = fields.String(required=True, validate=validate.Length(1, 300))
    creator = fields.String(required=True, validate=validate.Length(1, 300))
    language = fields.String(load_default=None, validate=validate.Length(2, 35))
    version = fields.String(load_default=None, validate=validate.Length(1, 50))
    lastChangeDateTime = fields.AwareDateTime(required=True)


class ItemSchema(_Case):
    identifier = fields.UUID(required=True)
    uri = _uri()
    fullStatement = fields.String(required=True, validate=validate.Length(1, 5000))
    humanCodingScheme = fields.String(load_default=None, validate=validate.Length(1, 100))
    CFItemType = fields.String(load_default=None, validate=validate.Length(1, 100))
    language = fields.String(load_default=None, validate=validate.Length(2, 35))


class NodeSchema(_Case):
    identifier = fields.UUID(required=True)
    uri = fields.String(required=True, validate=validate.Length(1, 2048))
    title = fields.String(load_default=None, validate=validate.Length(0, 5000))


class AssociationSchema(_Case):
    identifier = fields.UUID(required=True)
    uri = _uri()
    associationType = fields.String(required=True, validate=validate.OneOf(ASSOCIATION_TYPES))
    originNodeURI = fields.Nested(NodeSchema, required=True)
    destinationNodeURI = fields.Nested(NodeSchema, required=True)


class PackageSchema(_Case):
    CFDocument = fields.Nested(DocumentSchema, required=True)
    CFItems = fields.List(
        fields.Nested(ItemSchema), load_default=list, validate=validate.Length(0, MAX_ITEMS)
    )
    CFAssociations = fields.List(
        fields.Nested(AssociationSchema),
        load_default=list,
        validate=validate.Length(0, MAX_ASSOCIATIONS),
    )


def read_package(raw: bytes) -> Package:
    """The package in an uploaded or given file; a DomainError names what is wrong."""
    if len(raw) > MAX_BYTES:
        raise DomainError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: it is "
            "not a CASE package Selfpath can import.",
            code="case_too_large",
        )
    document = parse_document(raw)
    if not isinstance(document, dict):
        raise DomainError("A CASE package is a JSON object.", code="invalid_case_package")
    try:
        data = PackageSchema().load(document)
    except ValidationError as error:
        raise DomainError(
            "; ".join(flatten_errors(error.messages)), code="invalid_case_package"
        ) from error
    return _package(data)


def _package(data: dict[str, Any]) -> Package:
    doc = data["CFDocument"]
    return Package(
        document=DocumentData(
            identifier=str(doc["identifier"]),
            uri=doc["uri"],
            title=doc["title"],
            creator=doc["creator"],
            language=doc["language"],
            version=doc["version"],
            changed_at=doc["lastChangeDateTime"],
        ),
        items=tuple(
            ItemData(
                identifier=str(i["identifier"]),
                uri=i["uri"],
                statement=i["fullStatement"],
                code=i["humanCodingScheme"],
                item_type=i["CFItemType"],
                language=i["language"],
            )
            for i in data["CFItems"]
        ),
        associations=tuple(
            AssociationData(
                identifier=str(a["identifier"]),
                kind=a["associationType"],
                origin=str(a["originNodeURI"]["identifier"]),
                destination=str(a["destinationNodeURI"]["identifier"]),
            )
            for a in data["CFAssociations"]
        ),
    )

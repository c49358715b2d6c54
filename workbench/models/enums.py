"""Enumerations shared by the tables, the services and the views."""

from __future__ import annotations

from enum import StrEnum


class ArtifactKind(StrEnum):
    SCOPE = "scope"
    CONTEXT = "context"
    POLICY = "policy"
    TOPIC_POLICY = "topic_policy"
    ROLES = "roles"
    PROCEDURE = "procedure"
    RISK_METHODOLOGY = "risk_methodology"
    RISK_REGISTER = "risk_register"
    RISK_TREATMENT_PLAN = "risk_treatment_plan"
    SOA = "soa"
    OBJECTIVES = "objectives"
    PLAN = "plan"
    PROGRAMME = "programme"
    RECORD = "record"
    LOG = "log"
    OTHER = "other"


class ArtifactStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    REJECTED = "rejected"
    RETIRED = "retired"


class Decision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


class ReviewStatus(StrEnum):
    """Where one approver's review request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class EventKind(StrEnum):
    INTERNAL_AUDIT = "internal_audit"
    MANAGEMENT_REVIEW = "management_review"
    STAGE_1 = "stage_1"
    STAGE_2 = "stage_2"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"
    DOCUMENT_REVIEW = "document_review"
    TRAINING = "training"
    OTHER = "other"


class EventStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class FindingSeverity(StrEnum):
    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"
    OPPORTUNITY = "opportunity"


class FindingStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"

"""The schema: territories, kinds, cooperations and the stored figures.

The schema: territories, cooperation kinds, cooperations, partnerships, ingest audit,
the stored analysis figures (migrations 0004 and 0011; refreshed by `geocoop analyze`) and
the stored counts and extents of the served collections (migration 0011).

Geometries are stored in EPSG:4326 (lon/lat) for interchange; every distance or area is
computed on `geography` or in a metric CRS, never in degrees (see geocoop/sql/).
The vocabulary (category, socio-economic model, stage) is the study's (shared/seeds).
"""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LEVELS = ("region", "departement", "epci", "commune")
CATEGORIES = ("modelisee", "non_modelisee", "systemique")
MODELS = ("marchande", "non_marchande", "hybride")
STAGES = ("emergence", "operationnelle")
PRECISIONS = ("coordinates", "insee_code", "postcode_name", "commune_name", "perimeter", "geometry")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IS NULL OR {column} IN ({quoted})"


class Base(DeclarativeBase):
    """Declarative base of every geocoop table."""


class Territory(Base):
    """A commune, EPCI, département or région with its boundary and population."""

    __tablename__ = "territory"
    __table_args__ = (
        UniqueConstraint("level", "code", name="uq_territory_level_code"),
        CheckConstraint(_in("level", LEVELS), name="ck_territory_level"),
        Index("ix_territory_geom", "geom", postgresql_using="gist"),
        Index("ix_territory_geom_simplified", "geom_simplified", postgresql_using="gist"),
        Index("ix_territory_departement", "departement_code"),
        Index("ix_territory_epci", "epci_code"),
        Index("ix_territory_region", "region_code"),  # migration 0020
        Index("ix_territory_name_search", "name_search"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(12), nullable=False)
    code: Mapped[str] = mapped_column(String(12), nullable=False)  # INSEE, or SIREN for EPCI
    name: Mapped[str] = mapped_column(Text, nullable=False)
    name_search: Mapped[str | None] = mapped_column(Text)  # lower-case, unaccented, for lookup
    region_code: Mapped[str | None] = mapped_column(String(3))
    departement_code: Mapped[str | None] = mapped_column(String(3))
    epci_code: Mapped[str | None] = mapped_column(String(9))
    postcodes: Mapped[list[str] | None] = mapped_column(ARRAY(String(5)))
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    geom_simplified = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    label_point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    # the commune's outline in Web Mercator, the nearest-point search's seed (migration 0024)
    geom_mercator = mapped_column(
        Geometry("MULTIPOLYGON", srid=3857, spatial_index=False),
        Computed("CASE WHEN level = 'commune' THEN ST_Transform(geom, 3857) END"),
    )
    vintage: Mapped[str | None] = mapped_column(String(20))  # e.g. "COG 2026"
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class CommuneCodeChange(Base):
    """An old INSEE commune code and the current code it became (fusions, communes nouvelles)."""

    __tablename__ = "commune_code_change"

    old_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    new_code: Mapped[str] = mapped_column(String(5), nullable=False, index=True)
    effective: Mapped[str | None] = mapped_column(String(10))
    source: Mapped[str | None] = mapped_column(Text)


class CommuneAlias(Base):
    """Another name a current commune answers to.

    Its communes déléguées / associées and the communes merged into it, so lists written with those
    names still locate.
    """

    __tablename__ = "commune_alias"

    name_search: Mapped[str] = mapped_column(Text, primary_key=True)  # normalize_name(name)
    code: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    source: Mapped[str | None] = mapped_column(Text)


class Kind(Base):
    """A kind of cooperation (PTCE, PAT, tiers-lieu…) with how the map draws it."""

    __tablename__ = "kind"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_fr: Mapped[str] = mapped_column(Text, nullable=False)
    label_en: Mapped[str] = mapped_column(Text, nullable=False)
    colour: Mapped[str] = mapped_column(String(7), nullable=False)
    icon: Mapped[str] = mapped_column(String(32), nullable=False, default="circle")
    service_distance_m: Mapped[int] = mapped_column(Integer, nullable=False)
    default_category: Mapped[str | None] = mapped_column(String(16))
    is_support: Mapped[bool] = mapped_column(default=False)  # réseaux d'appui, accompagnement


class Cooperation(Base):
    """One territorial cooperation, characterised along the study's dimensions."""

    __tablename__ = "cooperation"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_cooperation_source_id"),
        CheckConstraint(_in("category", CATEGORIES), name="ck_cooperation_category"),
        CheckConstraint(_in("socio_economic_model", MODELS), name="ck_cooperation_model"),
        CheckConstraint(_in("stage", STAGES), name="ck_cooperation_stage"),
        CheckConstraint(_in("location_precision", PRECISIONS), name="ck_cooperation_precision"),
        CheckConstraint("staff_fte IS NULL OR staff_fte >= 0", name="ck_cooperation_staff_fte"),
        Index("ix_cooperation_location", "location", postgresql_using="gist"),
        Index("ix_cooperation_perimeter", "perimeter", postgresql_using="gist"),
        Index("ix_cooperation_kind", "kind_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind_code: Mapped[str] = mapped_column(ForeignKey("kind.code"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    category: Mapped[str | None] = mapped_column(String(16))
    socio_economic_model: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(16))
    legal_form: Mapped[str | None] = mapped_column(Text)
    governance: Mapped[str | None] = mapped_column(Text)
    stakeholders: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    accompaniment: Mapped[str | None] = mapped_column(String(16))  # interne / externe
    accompanied_by: Mapped[str | None] = mapped_column(Text)
    financing_sources: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    year_founded: Mapped[int | None] = mapped_column(Integer)
    website: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune_code: Mapped[str | None] = mapped_column(String(5), index=True)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    source_id: Mapped[str] = mapped_column(Text, nullable=False)
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    location_precision: Mapped[str | None] = mapped_column(String(16))
    perimeter_codes: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    perimeter = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    attributes: Mapped[dict | None] = mapped_column(JSONB)  # the source's other columns
    lead_body: Mapped[str | None] = mapped_column(Text)  # porteur
    lead_body_type: Mapped[str | None] = mapped_column(Text)
    staff_fte: Mapped[float | None] = mapped_column(Float)  # animation staff, FTE per year
    networks: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    peer_cooperation: Mapped[bool | None] = mapped_column()  # joint actions with peers
    derived_fields: Mapped[list[str] | None] = mapped_column(ARRAY(Text))  # set by rule
    quality: Mapped[dict | None] = mapped_column(JSONB)  # data-quality flags (import)
    ingest_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_run.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Partnership(Base):
    """A declared link between two cooperations (stored once, lower id first)."""

    __tablename__ = "partnership"
    __table_args__ = (
        UniqueConstraint("cooperation_a_id", "cooperation_b_id", name="uq_partnership_pair"),
        CheckConstraint("cooperation_a_id < cooperation_b_id", name="ck_partnership_order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cooperation_a_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False
    )
    cooperation_b_id: Mapped[int] = mapped_column(
        ForeignKey("cooperation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IngestRun(Base):
    """Audit of one import: file, checksum, counts, rejects, who and when."""

    __tablename__ = "ingest_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(32), nullable=False)  # boundaries, cooperations…
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    checksum: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    accepted: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejects: Mapped[list | None] = mapped_column(JSONB)
    report: Mapped[dict | None] = mapped_column(JSONB)
    actor: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A write token: only its SHA-256 is stored; revoked tokens stay for the audit.

    A token without `member_id` is an administrator's (`geocoop token create`); a member's
    token carries that member's role and scope (migration 0014).
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), index=True
    )



class AdminSession(Base):
    """A logged-in admin page (migration 0018).

    The cookie holds a random key, this row its SHA-256; logout sets `ended_at`, so a copy
    of the cookie stops working.
    """

    __tablename__ = "admin_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

# -- contribution: organisations, members, proposals, edit log (migration 0014) -----------
ROLES = ("contributor", "editor", "moderator", "admin")
PROPOSAL_STATUSES = ("pending", "validated", "rejected")


class Organisation(Base):
    """A network or a collectivité whose members maintain cooperations."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Member(Base):
    """A person or service of an organisation, with a role and a scope.

    `kinds` (kind codes) and `territories` ("departement:35", "epci:243500139"…) limit an
    editor or a moderator; NULL means no limit on that axis (an admin has none).
    """

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name", name="uq_member_org_name"),
        CheckConstraint(_in("role", ROLES), name="ck_member_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(Text, nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    kinds: Mapped[list[str] | None] = mapped_column(ARRAY(String(32)))
    territories: Mapped[list[str] | None] = mapped_column(ARRAY(String(24)))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Proposal(Base):
    """A cooperation proposed by anyone, waiting for a moderator; never public before.

    `fields` holds the study's fields as submitted (validated); `contact` is private and
    never published nor logged; `client_hash` (keyed hash of the client address) only
    serves the rate limit.
    """

    __tablename__ = "proposal"
    __table_args__ = (
        CheckConstraint(_in("status", PROPOSAL_STATUSES), name="ck_proposal_status"),
        Index("ix_proposal_pending", "id", postgresql_where=text("status = 'pending'")),
        Index("ix_proposal_client", "client_hash", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, server_default="pending")
    kind_code: Mapped[str] = mapped_column(ForeignKey("kind.code"), nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    fields: Mapped[dict] = mapped_column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    perimeter_codes: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    contact: Mapped[str | None] = mapped_column(Text)
    client_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    cooperation_id: Mapped[int | None] = mapped_column(
        ForeignKey("cooperation.id", ondelete="SET NULL")
    )


class EditLog(Base):
    """One change: who (member, or the token's name), when, what (before/after JSON)."""

    __tablename__ = "edit_log"
    __table_args__ = (
        Index("ix_edit_log_entity", "entity", "entity_id"),
        Index("ix_edit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(Text, nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    entity: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[int] = mapped_column(Integer, nullable=False)
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)
    via: Mapped[str | None] = mapped_column(String(16))  # import, proposal, api, ogcapi, revert
    reverts: Mapped[int | None] = mapped_column(ForeignKey("edit_log.id", ondelete="SET NULL"))


JOB_STATUSES = ("queued", "running", "done", "failed")
JOB_OPERATIONS = ("cooperations", "partnerships")


class Job(Base):
    """One upload waiting for, or run by, the single writer (migration 0013, geocoop/jobs/).

    `path` is the uploaded file kept on disk until the job ends; `report` is the import
    report once done, `error` a problem (status, title, detail) once failed.
    """

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(_in("status", JOB_STATUSES), name="ck_job_status"),
        CheckConstraint(_in("operation", JOB_OPERATIONS), name="ck_job_operation"),
        Index("ix_job_pending", "id", postgresql_where=text("status IN ('queued', 'running')")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    operation: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, server_default="queued")
    stage: Mapped[str | None] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(Text, nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    options: Mapped[dict] = mapped_column(JSONB, nullable=False, server_default=text("'{}'::jsonb"))
    report: Mapped[dict | None] = mapped_column(JSONB)
    error: Mapped[dict | None] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    worker: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# -- stored analysis (migration 0004) ------------------------------------------------------
# Derived figures, rebuilt by a full refresh. Logged since migration 0015 (they were
# UNLOGGED, which streaming standbys cannot read); the code still computes live whenever
# they are empty, until the next `geocoop analyze`.
class AnalysisCommuneKind(Base):
    """Coverage of one commune by one kind: nearest cooperation, perimeter, white zone."""

    __tablename__ = "analysis_commune_kind"
    __table_args__ = (
        PrimaryKeyConstraint("kind_code", "commune_code"),
        Index(
            "ix_analysis_ck_reach",
            "reach",
            postgresql_using="gist",
            postgresql_where=text("reach IS NOT NULL"),
        ),
        Index("ix_analysis_ck_zone", "kind_code", "zone_id"),
        # per-commune lookups: roll-ups of coverage per territory (migration 0011)
        Index("ix_analysis_ck_commune", "commune_code"),
    )

    kind_code: Mapped[str] = mapped_column(String(32))
    commune_code: Mapped[str] = mapped_column(String(5))
    service_distance_m: Mapped[float] = mapped_column(Float, nullable=False)
    nearest_cooperation_id: Mapped[int | None] = mapped_column(Integer)
    nearest_edge_m: Mapped[float | None] = mapped_column(Float)
    nearest_center_m: Mapped[float | None] = mapped_column(Float)
    covered_distance: Mapped[bool] = mapped_column(Boolean, nullable=False)
    perimeter_cooperation_id: Mapped[int | None] = mapped_column(Integer)
    perimeter_via: Mapped[str | None] = mapped_column(String(16))
    perimeter_share: Mapped[float | None] = mapped_column(Float)
    covered_perimeter: Mapped[bool] = mapped_column(Boolean, nullable=False)
    zone_id: Mapped[str | None] = mapped_column(String(12))
    # the box within which a new cooperation point could be nearer than the current nearest
    reach = mapped_column(Geometry("POLYGON", srid=4326, spatial_index=False))


class AnalysisCooperationState(Base):
    """A cooperation as the stored figures last saw it (what an incremental refresh undoes)."""

    __tablename__ = "analysis_cooperation_state"

    cooperation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind_code: Mapped[str] = mapped_column(String(32), nullable=False)
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    perimeter = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    perimeter_codes: Mapped[list[str] | None] = mapped_column(ARRAY(Text))


class AnalysisAdjacency(Base):
    """Two communes whose polygons touch (both directions): the graph of white zones."""

    __tablename__ = "analysis_adjacency"
    __table_args__ = (PrimaryKeyConstraint("a", "b"),)

    a: Mapped[str] = mapped_column(String(5))
    b: Mapped[str] = mapped_column(String(5))


class AnalysisAdjacencyState(Base):
    """The signature of the communes the adjacency graph was built from."""

    __tablename__ = "analysis_adjacency_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    signature: Mapped[str] = mapped_column(String(32), nullable=False)
    pairs: Mapped[int] = mapped_column(Integer, nullable=False)


class AnalysisSynergyPair(Base):
    """Two cooperations that could work together (lower id first) and their score."""

    __tablename__ = "analysis_synergy_pair"
    __table_args__ = (
        PrimaryKeyConstraint("a_id", "b_id"),
        CheckConstraint("a_id < b_id", name="ck_analysis_pair_order"),
        Index("ix_analysis_pair_b", "b_id"),
    )

    a_id: Mapped[int] = mapped_column(Integer)
    b_id: Mapped[int] = mapped_column(Integer)
    distance_m: Mapped[float | None] = mapped_column(Float)
    perimeters_overlap: Mapped[bool] = mapped_column(Boolean, nullable=False)
    weight: Mapped[float] = mapped_column(Float, nullable=False)
    proximity: Mapped[float] = mapped_column(Float, nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)


class AnalysisRun(Base):
    """One refresh of the stored figures: full, or after one cooperation changed."""

    __tablename__ = "analysis_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), nullable=False)  # full / cooperation
    cooperation_id: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[float | None] = mapped_column(Float)
    report: Mapped[dict | None] = mapped_column(JSONB)
    finished_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), nullable=False
    )


# -- stored white-zone outlines and collection summaries (migration 0011) -------------------
class AnalysisZone(Base):
    """One white zone as a dissolved, simplified outline with its figures.

    One white zone (rule "any") as a dissolved, simplified outline with its figures,
    kept while its members are unchanged (`members_hash`); written by every refresh.
    """

    __tablename__ = "analysis_zone"
    __table_args__ = (
        PrimaryKeyConstraint("kind_code", "zone_id"),
        Index("ix_analysis_zone_geom", "geom", postgresql_using="gist"),
    )

    kind_code: Mapped[str] = mapped_column(String(32))
    zone_id: Mapped[str] = mapped_column(String(12))  # smallest member commune code
    members_hash: Mapped[str] = mapped_column(String(32), nullable=False)  # md5 of the codes
    communes_count: Mapped[int] = mapped_column(Integer, nullable=False)
    population: Mapped[int] = mapped_column(Integer, nullable=False)
    area_km2: Mapped[float] = mapped_column(Float, nullable=False)
    departements: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    # what names the zone and why it is white, as the live list computes them (migration
    # 0019); NULL until the first refresh after that migration
    main_commune: Mapped[str | None] = mapped_column(String(12))  # the most populated
    main_commune_name: Mapped[str | None] = mapped_column(Text)
    main_departement: Mapped[str | None] = mapped_column(String(12))  # the main commune's
    main_epci: Mapped[str | None] = mapped_column(String(12))  # the main commune's
    epci_name: Mapped[str | None] = mapped_column(Text)
    departements_count: Mapped[int | None] = mapped_column(Integer)
    nearest_cooperation_id: Mapped[int | None] = mapped_column(Integer)
    nearest_cooperation_name: Mapped[str | None] = mapped_column(Text)
    nearest_distance_m: Mapped[float | None] = mapped_column(Float)  # geodesic, edge
    service_distance_m: Mapped[float | None] = mapped_column(Float)  # the kind's, then
    name_fr: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    reason_fr: Mapped[str | None] = mapped_column(Text)
    reason_en: Mapped[str | None] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(String(16), nullable=False, server_default="any")


class CollectionSummary(Base):
    """A served collection's exact feature count and extents.

    Extents with metropolitan France first, and the data version they describe
    (geocoop.features.summary).
    """

    __tablename__ = "collection_summary"

    collection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    number_matched: Mapped[int] = mapped_column(BigInteger, nullable=False)
    extents: Mapped[list] = mapped_column(JSONB, nullable=False)  # [[W, S, E, N], …]
    data_version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    refreshed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()"), nullable=False
    )


DEFAULT_KINDS = [
    # code, label_fr, label_en, colour (Okabe-Ito, colour-blind safe), icon, distance m, category
    ("ptce", "PTCE", "Territorial economic cooperation hub", "#E69F00", "hub", 30000, "modelisee"),
    (
        "pat",
        "Projet alimentaire territorial",
        "Territorial food project",
        "#009E73",
        "leaf",
        30000,
        "modelisee",
    ),
    (
        "tzcld",
        "Territoire zéro chômeur",
        "Zero long-term unemployment territory",
        "#0072B2",
        "briefcase",
        15000,
        "modelisee",
    ),
    ("tiers_lieu", "Tiers-lieu", "Third place", "#D55E00", "home", 15000, "non_modelisee"),
    (
        "scic",
        "SCIC",
        "Cooperative society of collective interest",
        "#CC79A7",
        "users",
        20000,
        "modelisee",
    ),
    (
        "cae",
        "CAE",
        "Business and employment cooperative",
        "#56B4E9",
        "briefcase",
        30000,
        "modelisee",
    ),
    (
        "monnaie_locale",
        "Monnaie locale",
        "Local currency",
        "#F0E442",
        "coins",
        25000,
        "non_modelisee",
    ),
    (
        "france_services",
        "France services",
        "France services hub",
        "#000000",
        "flag",
        20000,
        "modelisee",
    ),
    ("appui", "Structure d'appui", "Support structure", "#999999", "life-ring", 50000, None),
    ("autre", "Autre coopération", "Other cooperation", "#777777", "circle", 15000, None),
]


# -- stored roll-ups and per-profile facts (migration 0012) --------------------------------
class AnalysisRollup(Base):
    """Coverage of one territory for a kind set under a rule.

    Coverage of one territory (inside an enclosing parent, or '' for none) for a kind set
    (comma-joined sorted codes) under a rule, aggregated from analysis_commune_kind.
    """

    __tablename__ = "analysis_rollup"
    __table_args__ = (
        PrimaryKeyConstraint("kinds", "rule", "level", "parent_level", "parent_code", "code"),
    )

    kinds: Mapped[str] = mapped_column(String(400))
    rule: Mapped[str] = mapped_column(String(10))
    parent_level: Mapped[str] = mapped_column(String(12))
    parent_code: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(12))
    communes_total: Mapped[int] = mapped_column(Integer, nullable=False)
    communes_covered: Mapped[int] = mapped_column(Integer, nullable=False)
    population: Mapped[int] = mapped_column(BigInteger, nullable=False)
    population_covered: Mapped[int] = mapped_column(BigInteger, nullable=False)
    area_km2: Mapped[float] = mapped_column(Float, nullable=False)
    area_covered_km2: Mapped[float] = mapped_column(Float, nullable=False)
    nearest_m: Mapped[float | None] = mapped_column(Float)


class AnalysisKindState(Base):
    """Per kind: whether its per-profile facts match its stored facts."""

    __tablename__ = "analysis_kind_state"

    kind_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    profiles_complete: Mapped[bool] = mapped_column(Boolean, nullable=False)


class AnalysisPending(Base):
    """A kind whose rows are committed and whose stored figures are being recomputed.

    Migration 0017: written with the rows, removed with the refreshed figures.
    """

    __tablename__ = "analysis_pending"

    kind_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("kind.code", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class AnalysisProfilePending(Base):
    """A kind whose per-profile facts are being recomputed, its own figures fresh.

    Migration 0021: written by a by-kind refresh that leaves them to the next step, removed
    with the recomputed facts.
    """

    __tablename__ = "analysis_profile_pending"

    kind_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("kind.code", ondelete="CASCADE"), primary_key=True
    )
    since: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class AnalysisProfile(Base):
    """The cooperations of a kind sharing one (effective category, model, stage)."""

    __tablename__ = "analysis_profile"
    __table_args__ = (PrimaryKeyConstraint("kind_code", "profile_id"),)

    kind_code: Mapped[str] = mapped_column(String(32))
    profile_id: Mapped[int] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(16))
    socio_economic_model: Mapped[str | None] = mapped_column(String(16))
    stage: Mapped[str | None] = mapped_column(String(16))
    cooperations: Mapped[int] = mapped_column(Integer, nullable=False)


class AnalysisCommuneProfile(Base):
    """Coverage of one commune by the cooperations of one profile.

    Nearest edge distance and perimeter coverage of one commune by one profile's
    cooperations (kinds with several profiles only).
    """

    __tablename__ = "analysis_commune_profile"
    __table_args__ = (PrimaryKeyConstraint("kind_code", "profile_id", "commune_code"),)

    kind_code: Mapped[str] = mapped_column(String(32))
    profile_id: Mapped[int] = mapped_column(Integer)
    commune_code: Mapped[str] = mapped_column(String(5))
    nearest_edge_m: Mapped[float | None] = mapped_column(Float)
    covered_perimeter: Mapped[bool] = mapped_column(Boolean, nullable=False)


class PerimeterEpciUnion(Base):
    """The union of one EPCI's commune polygons, reused by perimeter unions (migration 0022).

    Valid while `members_hash` (its communes' codes and `updated_at`) matches the territories.
    """

    __tablename__ = "perimeter_epci_union"

    epci_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    members_hash: Mapped[str] = mapped_column(Text, nullable=False)
    geom = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=False)
    computed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )

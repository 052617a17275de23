"""case_summary view: one row per charge, for analysts

A denormalised reading of charges: the person charged, an organization they
belong to, the offence and the report's wording, the charge's date, the case,
the person's current sentence in that case, and the charge's evidence.

Choices, so that the view keeps exactly one row per charge:
- A charge with no named person (person_id NULL, "unnamed defendants") keeps its
  row with NULL person columns; its sentence is a group sentence of the same case
  (a sentence whose person_id is NULL too), if there is one.
- A person's sentence in a case is the latest one: of the sentences no other
  sentence replaces (`replaces_id`), preferring one whose status is not
  `replaced`, then the latest `date_start` (undated last), then the smallest id.
  So Yagublu's 51 months, replaced by house arrest, replaced on appeal by a
  conditional sentence, shows as the conditional sentence.
- A person with several memberships shows the one with the latest `date_start`
  (undated last), then the smallest id.

The SQL is plain (CASE, correlated subqueries, LIMIT) and runs on SQLite and
PostgreSQL. Autogenerate does not see views, so `alembic check` ignores it; the
columns are mirrored by `incidentdb.export.CASE_SUMMARY` (a test keeps them equal).
On SQLite a later batch migration that rebuilds charges, cases, offences, people,
memberships, organizations or sentences must drop this view first and create it
again after, or SQLite refuses the table rename.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREATE_VIEW = """
CREATE VIEW case_summary AS
SELECT
    ch.id AS charge_id,
    ch.case_id AS case_id,
    cs.title AS case_title,
    cs.status AS case_status,
    ch.person_id AS person_id,
    p.name AS person_name,
    mo.id AS organization_id,
    mo.name AS organization_name,
    ch.offence_id AS offence_id,
    ofc.name AS offence_name,
    ch.wording AS wording,
    ch.characterisation AS characterisation,
    ch.outcome AS charge_outcome,
    ch.date_text AS charge_date_text,
    ch.date_edtf AS charge_date,
    ch.date_start AS charge_date_start,
    ch.date_end AS charge_date_end,
    s.id AS sentence_id,
    s.kind AS sentence_kind,
    s.term_min_months AS term_min_months,
    s.term_max_months AS term_max_months,
    s.group_description AS sentence_group,
    s.date_edtf AS sentence_date,
    s.date_start AS sentence_date_start,
    s.date_end AS sentence_date_end,
    s.status AS sentence_status,
    ch.excerpt AS excerpt,
    ch.source_id AS source_id
FROM charges ch
JOIN cases cs ON cs.id = ch.case_id
JOIN offences ofc ON ofc.id = ch.offence_id
LEFT JOIN people p ON p.id = ch.person_id
LEFT JOIN organizations mo ON mo.id = (
    SELECT m.organization_id FROM memberships m
    WHERE m.person_id = ch.person_id
    ORDER BY CASE WHEN m.date_start IS NULL THEN 1 ELSE 0 END, m.date_start DESC, m.id
    LIMIT 1
)
LEFT JOIN sentences s ON s.id = (
    SELECT latest.id FROM sentences latest
    WHERE latest.case_id = ch.case_id
      AND (latest.person_id = ch.person_id
           OR (latest.person_id IS NULL AND ch.person_id IS NULL))
      AND NOT EXISTS (SELECT 1 FROM sentences later WHERE later.replaces_id = latest.id)
    ORDER BY CASE WHEN latest.status = 'replaced' THEN 1 ELSE 0 END,
             CASE WHEN latest.date_start IS NULL THEN 1 ELSE 0 END,
             latest.date_start DESC, latest.id
    LIMIT 1
)
"""


def upgrade() -> None:
    op.execute(CREATE_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS case_summary")

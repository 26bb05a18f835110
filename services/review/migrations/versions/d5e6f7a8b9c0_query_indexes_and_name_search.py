"""申请书查询 at a million applications: a visit index per year, the status index
carrying the year, and (PostgreSQL) the applicant names indexed by their adjacent
character pairs for the name search (services/review/search.py says why not pg_trgm)

Revision ID: d5e6f7a8b9c0
Revises: c4d5e6f7a8b9
"""
from alembic import op

revision = 'd5e6f7a8b9c0'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None

# The same text as models.NAME_GRAMS_FUNCTION (a migration keeps its own copy).
NAME_GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION review_name_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT DISTINCT substr(name, i, 2) FROM generate_series(1, char_length(name) - 1) AS i)
$$
"""


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_index('ix_visit_org_year_first', 'review_visits',
                    ['org_id', 'year', 'first_arrived_at', 'application_id'], unique=False,
                    postgresql_include=['status'])
    if not postgres:
        return
    # Status and year together: either index answers from its own entries.
    op.drop_index('ix_visit_org_status_first', table_name='review_visits')
    op.create_index('ix_visit_org_status_first', 'review_visits',
                    ['org_id', 'status', 'first_arrived_at', 'application_id'], unique=False,
                    postgresql_include=['year'])
    op.execute(NAME_GRAMS_FUNCTION)
    op.execute("CREATE INDEX ix_case_name_grams ON review_cases USING gin (review_name_grams(applicant_name))")
    # Statistics of the new expression (how common each pair is), without which the
    # planner guesses and may read a whole organisation's rows for a rare name.
    op.execute("ANALYZE review_cases")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP INDEX IF EXISTS ix_case_name_grams")
        op.execute("DROP FUNCTION IF EXISTS review_name_grams(text)")
        op.drop_index('ix_visit_org_status_first', table_name='review_visits')
        op.create_index('ix_visit_org_status_first', 'review_visits',
                        ['org_id', 'status', 'first_arrived_at', 'application_id'], unique=False)
    op.drop_index('ix_visit_org_year_first', table_name='review_visits')

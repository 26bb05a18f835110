"""visits carry status and year for the query index

Revision ID: eecc99e22c57
Revises: b3c1d2e4f5a6
Create Date: 2026-11-25 11:12:47.526709
"""
from alembic import op
import sqlalchemy as sa


revision = 'eecc99e22c57'
down_revision = 'b3c1d2e4f5a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_visits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=32), nullable=False, server_default='submitted'))
        batch_op.add_column(sa.Column('year', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_visit_org_status_first', ['org_id', 'status', 'first_arrived_at', 'application_id'],
                              unique=False)
    # Existing visits take their case's copy.
    op.execute("UPDATE review_visits SET "
               "status = (SELECT c.status FROM review_cases c WHERE c.application_id = review_visits.application_id), "
               "year = (SELECT c.year FROM review_cases c WHERE c.application_id = review_visits.application_id) "
               "WHERE EXISTS (SELECT 1 FROM review_cases c WHERE c.application_id = review_visits.application_id)")


def downgrade():
    with op.batch_alter_table('review_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_org_status_first')
        batch_op.drop_column('year')
        batch_op.drop_column('status')


"""review_visits: the query's index also orders ties by application

Revision ID: b3c1d2e4f5a6
Revises: ed7a2fd1d6c7
"""
from alembic import op

revision = 'b3c1d2e4f5a6'
down_revision = 'ed7a2fd1d6c7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_org_first')
        batch_op.create_index('ix_visit_org_first_app', ['org_id', 'first_arrived_at', 'application_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('review_visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visit_org_first_app')
        batch_op.create_index('ix_visit_org_first', ['org_id', 'first_arrived_at'], unique=False)

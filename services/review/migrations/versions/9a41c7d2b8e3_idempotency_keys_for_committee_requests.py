"""idempotency keys for the committee's meeting, publicity and approval requests:
a key names the meeting it made or acted on (task_id no longer required)

Revision ID: 9a41c7d2b8e3
Revises: 3384514e354d
"""
import sqlalchemy as sa
from alembic import op

revision = '9a41c7d2b8e3'
down_revision = '3384514e354d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_idempotency_keys', schema=None) as batch_op:
        batch_op.alter_column('task_id', existing_type=sa.String(length=36), nullable=True)
        batch_op.add_column(sa.Column('meeting_id', sa.String(length=36), nullable=True))


def downgrade():
    op.execute("DELETE FROM review_idempotency_keys WHERE task_id IS NULL")
    with op.batch_alter_table('review_idempotency_keys', schema=None) as batch_op:
        batch_op.drop_column('meeting_id')
        batch_op.alter_column('task_id', existing_type=sa.String(length=36), nullable=False)

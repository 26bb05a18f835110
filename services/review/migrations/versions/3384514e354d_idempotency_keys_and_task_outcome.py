"""idempotency keys (a reviewer's key → the task it decided) and the task's
stored outcome (the answer a repeated decision gets)

Revision ID: 3384514e354d
Revises: eecc99e22c57
"""
import sqlalchemy as sa
from alembic import op

import zc_common.db

revision = '3384514e354d'
down_revision = 'eecc99e22c57'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'review_idempotency_keys',
        sa.Column('task_id', sa.String(length=36), nullable=False),
        sa.Column('actor_id', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('operation', sa.String(length=32), nullable=False),
        sa.Column('target', sa.String(length=64), nullable=False),
        sa.Column('response', sa.JSON(), nullable=True),
        sa.Column('created_at', zc_common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('actor_id', 'key'))
    with op.batch_alter_table('review_idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_idempotency_keys_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_idempotency_keys_task_id'), ['task_id'], unique=False)
    with op.batch_alter_table('review_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('review_tasks', schema=None) as batch_op:
        batch_op.drop_column('outcome')
    with op.batch_alter_table('review_idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_idempotency_keys_task_id'))
        batch_op.drop_index(batch_op.f('ix_review_idempotency_keys_created_at'))
    op.drop_table('review_idempotency_keys')

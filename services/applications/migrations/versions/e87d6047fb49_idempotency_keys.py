"""idempotency keys: the answer to a submit / withdraw / change of qualification,
kept 24 h for the client's retry with the same key

Revision ID: e87d6047fb49
Revises: 5f3ba8254dbd
"""
import sqlalchemy as sa
from alembic import op

import zc_common.db

revision = 'e87d6047fb49'
down_revision = '5f3ba8254dbd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'idempotency_keys',
        sa.Column('actor_id', sa.String(length=64), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('operation', sa.String(length=32), nullable=False),
        sa.Column('target', sa.String(length=64), nullable=False),
        sa.Column('response', sa.JSON(), nullable=True),
        sa.Column('created_at', zc_common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('actor_id', 'key'))
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_created_at'))
    op.drop_table('idempotency_keys')

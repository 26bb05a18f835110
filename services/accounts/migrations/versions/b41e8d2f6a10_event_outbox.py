"""event outbox (session and user changes broadcast to the gateways)

Revision ID: b41e8d2f6a10
Revises: a9c4e1d27b53
Create Date: 2026-12-01 22:50:00.000000
"""
from alembic import op
import sqlalchemy as sa

import zc_common.db


revision = 'b41e8d2f6a10'
down_revision = 'a9c4e1d27b53'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('event_type', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_published'), ['published'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_published'))
    op.drop_table('outbox')

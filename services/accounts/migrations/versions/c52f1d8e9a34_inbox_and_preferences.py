"""站内信: inbox messages and notification preferences

Revision ID: c52f1d8e9a34
Revises: c6d7e8f9a0b1
Create Date: 2026-12-02 07:00:00
"""
from alembic import op
import sqlalchemy as sa

import zc_common.db


revision = 'c52f1d8e9a34'
down_revision = 'c6d7e8f9a0b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inbox_messages',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_by', sa.String(length=8), nullable=True),
    sa.Column('created_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.Column('read_at', zc_common.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_owner_unread', ['user_id', 'read_at', 'id'], unique=False)
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('external', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'category')
    )


def downgrade():
    op.drop_table('notification_preferences')
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_owner_unread')
    op.drop_table('inbox_messages')

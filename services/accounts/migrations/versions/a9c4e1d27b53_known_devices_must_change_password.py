"""known devices; must_change_password

Revision ID: a9c4e1d27b53
Revises: f7733423baf2
Create Date: 2026-12-01 22:00:00
"""
from alembic import op
import sqlalchemy as sa

from zc_common.db import UTCDateTime


revision = 'a9c4e1d27b53'
down_revision = 'f7733423baf2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table(
        'known_devices',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('user_id', sa.String(length=32), nullable=False),
        sa.Column('device_hash', sa.String(length=64), nullable=False),
        sa.Column('first_seen', UTCDateTime(), nullable=False),
        sa.Column('last_seen', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'device_hash'),
    )
    with op.batch_alter_table('known_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_devices_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_known_devices_last_seen'), ['last_seen'], unique=False)


def downgrade():
    with op.batch_alter_table('known_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_devices_last_seen'))
        batch_op.drop_index(batch_op.f('ix_known_devices_user_id'))
    op.drop_table('known_devices')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

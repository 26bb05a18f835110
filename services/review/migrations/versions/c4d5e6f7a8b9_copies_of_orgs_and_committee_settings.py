"""review keeps event-fed copies of organisations and committee settings
(read on every decision instead of asking accounts / applications each time)

Revision ID: c4d5e6f7a8b9
Revises: 9a41c7d2b8e3
"""
import sqlalchemy as sa
from alembic import op

import zc_common.db

revision = 'c4d5e6f7a8b9'
down_revision = '9a41c7d2b8e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'review_org_copies',
        sa.Column('org_id', sa.String(length=36), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('changed_at', zc_common.db.UTCDateTime(), nullable=False),
        sa.Column('fetched_at', zc_common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('org_id'))
    op.create_table(
        'review_settings_copies',
        sa.Column('committee_id', sa.String(length=36), nullable=False),
        sa.Column('data', sa.JSON(), nullable=True),
        sa.Column('changed_at', zc_common.db.UTCDateTime(), nullable=False),
        sa.Column('fetched_at', zc_common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('committee_id'))


def downgrade():
    op.drop_table('review_settings_copies')
    op.drop_table('review_org_copies')

"""evidence_check_runs: the nightly evidence check, one row per platform day

Revision ID: 9c4e6a8b0d35
Revises: 7b2d4f6a8c13
Create Date: 2026-12-02 07:10:00
"""
from alembic import op
import sqlalchemy as sa

import zc_common.db


revision = '9c4e6a8b0d35'
down_revision = '7b2d4f6a8c13'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence_check_runs',
    sa.Column('day', sa.String(length=32), nullable=False),
    sa.Column('started_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.Column('finished_at', zc_common.db.UTCDateTime(), nullable=True),
    sa.Column('applications', sa.Integer(), nullable=False),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.Column('damaged', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('day')
    )


def downgrade():
    op.drop_table('evidence_check_runs')

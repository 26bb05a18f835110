"""eligibility exceptions (破格) and the snapshot of every submit

Revision ID: a1c3e5f7b901
Revises: b8c9d0e1f2a3
Create Date: 2026-12-02 07:00:00
"""
from alembic import op
import sqlalchemy as sa

import zc_common.db


revision = 'a1c3e5f7b901'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('eligibility_exceptions',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.String(length=32), nullable=False),
    sa.Column('by_name', sa.String(length=200), nullable=False),
    sa.Column('org_id', sa.String(length=32), nullable=False),
    sa.Column('at', zc_common.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.PrimaryKeyConstraint('application_id')
    )
    op.create_table('submission_snapshots',
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('submission_no', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('at', zc_common.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], ),
    sa.PrimaryKeyConstraint('application_id', 'submission_no')
    )


def downgrade():
    op.drop_table('submission_snapshots')
    op.drop_table('eligibility_exceptions')

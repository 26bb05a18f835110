"""在线问答: questions to committees and departments, their answers and the FAQ flag

Revision ID: a7b8c9d0e1f2
Revises: a1c3e5f7b9d2
"""
import sqlalchemy as sa
from alembic import op

import zc_common.db

revision = 'a7b8c9d0e1f2'
down_revision = 'a1c3e5f7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'questions',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('asker_id', sa.String(length=32), nullable=False),
        sa.Column('asker_name', sa.String(length=200), nullable=False),
        sa.Column('asker_role', sa.String(length=16), nullable=False),
        sa.Column('asker_org_id', sa.String(length=32), nullable=True),
        sa.Column('asker_org_name', sa.String(length=200), nullable=True),
        sa.Column('to_org_id', sa.String(length=32), nullable=False),
        sa.Column('to_org_name', sa.String(length=200), nullable=False),
        sa.Column('to_org_kind', sa.String(length=16), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('scan_file_id', sa.String(length=64), nullable=True),
        sa.Column('scan_name', sa.String(length=200), nullable=True),
        sa.Column('scan_sha256', sa.String(length=64), nullable=True),
        sa.Column('answer', sa.Text(), nullable=True),
        sa.Column('answered_by_id', sa.String(length=32), nullable=True),
        sa.Column('answered_by_name', sa.String(length=200), nullable=True),
        sa.Column('answered_at', zc_common.db.UTCDateTime(), nullable=True),
        sa.Column('published', sa.Boolean(), nullable=False),
        sa.Column('created_at', zc_common.db.UTCDateTime(), nullable=False),
        sa.Column('updated_at', zc_common.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_questions_asker_id', 'questions', ['asker_id'])
    op.create_index('ix_questions_asker_org_id', 'questions', ['asker_org_id'])
    op.create_index('ix_questions_to_org', 'questions', ['to_org_id', 'created_at'])
    op.create_index('ix_questions_faq', 'questions', ['to_org_id', 'published', 'answered_at'])


def downgrade():
    op.drop_table('questions')

"""attachments: the object's ETag at upload, and detached_at (submitted files are kept)

Revision ID: 3e5a7c9d1b24
Revises: 12f2618416c8
Create Date: 2026-12-02 06:40:00
"""
from alembic import op
import sqlalchemy as sa

import zc_common.db


revision = '3e5a7c9d1b24'
down_revision = '12f2618416c8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('etag', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('detached_at', zc_common.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('detached_at')
        batch_op.drop_column('etag')

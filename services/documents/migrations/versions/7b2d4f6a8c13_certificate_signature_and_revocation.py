"""certificates: the signed PDF's sha256, the QR's signed payload, revocation

Revision ID: 7b2d4f6a8c13
Revises: f3a5b7c9d1e2
Create Date: 2026-12-02 07:00:00
"""
from alembic import op
import sqlalchemy as sa

import zc_common.db


revision = '7b2d4f6a8c13'
down_revision = 'f3a5b7c9d1e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('qr_payload', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', zc_common.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('revoked_reason', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_certificates_pdf_sha256'), ['pdf_sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_pdf_sha256'))
        batch_op.drop_column('revoked_reason')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('qr_payload')
        batch_op.drop_column('pdf_sha256')

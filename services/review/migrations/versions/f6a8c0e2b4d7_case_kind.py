"""review cases keep the application kind and specialty

Revision ID: f6a8c0e2b4d7
Revises: 2b93f7fcf33a
Create Date: 2026-12-02 07:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'f6a8c0e2b4d7'
down_revision = '2b93f7fcf33a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('specialty', sa.String(length=64), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.drop_column('specialty')
        batch_op.drop_column('kind')

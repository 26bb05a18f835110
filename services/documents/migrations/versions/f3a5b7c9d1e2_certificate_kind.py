"""certificates say how the title was obtained (the application kind)

Revision ID: f3a5b7c9d1e2
Revises: 3e5a7c9d1b24
Create Date: 2026-12-02 07:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'f3a5b7c9d1e2'
down_revision = '3e5a7c9d1b24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind_name', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('kind_name')

"""certificates say 南疆四地州定向评价、定向使用 when the qualification was directed

Revision ID: c5d6e7f8a9b0
Revises: 9c4e6a8b0d35
"""
import sqlalchemy as sa
from alembic import op

revision = 'c5d6e7f8a9b0'
down_revision = '9c4e6a8b0d35'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directed_note', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('directed_note')

"""单位编号 as a running number: the counter it is issued from (units keep their numbers)

Revision ID: e2f3a4b5c6d7
Revises: d1e2f3a4b5c6
"""
import sqlalchemy as sa
from alembic import op

revision = 'e2f3a4b5c6d7'
down_revision = 'd1e2f3a4b5c6'
branch_labels = None
depends_on = None


def upgrade():
    counters = op.create_table(
        'counters',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    # Numbering starts at 1; a number some unit already holds (the random ones given
    # before) is skipped when it comes round. No existing unit's number changes.
    op.bulk_insert(counters, [{'name': 'unit_code', 'value': 0}])


def downgrade():
    op.drop_table('counters')

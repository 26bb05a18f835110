"""tasks remember when the node's staff first opened them (办理) or commented:
收回 is refused from then on, as the guide says (单位还未审核)

Revision ID: f1a2b3c4d5e6
Revises: f6a8c0e2b4d7
"""
import sqlalchemy as sa
from alembic import op

from zc_common.db import UTCDateTime

revision = 'f1a2b3c4d5e6'
down_revision = 'f6a8c0e2b4d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('review_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opened_at', UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('review_tasks', schema=None) as batch_op:
        batch_op.drop_column('opened_at')

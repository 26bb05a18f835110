"""meeting results by confirmation (认定) as well as by votes

Revision ID: e2f4a6c8d0b1
Revises: d5e6f7a8b9c0
Create Date: 2026-12-02 07:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e2f4a6c8d0b1'
down_revision = 'd5e6f7a8b9c0'
branch_labels = None
depends_on = None

VOTES = ('experts_present', 'votes_for', 'votes_against', 'votes_abstain')


def upgrade():
    with op.batch_alter_table('review_meeting_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('conclusion', sa.String(length=16), nullable=False,
                                      server_default='meeting'))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        for column in VOTES:
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM review_meeting_results WHERE conclusion = 'confirm'")
    with op.batch_alter_table('review_meeting_results', schema=None) as batch_op:
        for column in VOTES:
            batch_op.alter_column(column, existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('reason')
        batch_op.drop_column('conclusion')
        batch_op.drop_column('kind')

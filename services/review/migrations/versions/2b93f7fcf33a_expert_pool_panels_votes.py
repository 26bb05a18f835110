"""review keeps the committee's experts: the pool (入库/出库), panels drawn at random
with every exclusion and its reason, the experts' seats and declarations, and their
secret votes; a meeting says whether it was typed in (paper) or voted online

Revision ID: 2b93f7fcf33a
Revises: e2f4a6c8d0b1
"""
import sqlalchemy as sa
from alembic import op

import zc_common.db

revision = '2b93f7fcf33a'
down_revision = 'e2f4a6c8d0b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_exclusions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('panel_id', sa.String(length=36), nullable=False),
    sa.Column('expert_id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('at', zc_common.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_exclusions', schema=None) as batch_op:
        batch_op.create_index('ix_exclusion_panel_expert', ['panel_id', 'expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_exclusions_expert_id'), ['expert_id'], unique=False)

    op.create_table('review_expert_pool',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pool', sa.String(length=48), nullable=False),
    sa.Column('expert_id', sa.String(length=36), nullable=False),
    sa.Column('admitted_on', sa.Date(), nullable=False),
    sa.Column('admitted_reason', sa.Text(), nullable=False),
    sa.Column('admitted_by', sa.JSON(), nullable=False),
    sa.Column('removed_on', sa.Date(), nullable=True),
    sa.Column('removed_reason', sa.Text(), nullable=True),
    sa.Column('removed_by', sa.JSON(), nullable=True),
    sa.Column('created_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_expert_pool', schema=None) as batch_op:
        batch_op.create_index('ix_pool_expert', ['pool', 'expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_expert_pool_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_expert_pool_pool'), ['pool'], unique=False)

    op.create_table('review_experts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('unit_credit_code', sa.String(length=18), nullable=True),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('relations', sa.JSON(), nullable=False),
    sa.Column('created_by_committee', sa.String(length=36), nullable=False),
    sa.Column('created_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_experts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_experts_id_number'), ['id_number'], unique=False)

    op.create_table('review_panel_seats',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('panel_id', sa.String(length=36), nullable=False),
    sa.Column('expert_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('declaration', sa.Text(), nullable=True),
    sa.Column('declared_at', zc_common.db.UTCDateTime(), nullable=True),
    sa.Column('declined_reason', sa.Text(), nullable=True),
    sa.Column('declined_at', zc_common.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('panel_id', 'expert_id', name='uq_seat_expert')
    )
    with op.batch_alter_table('review_panel_seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_panel_seats_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_panel_seats_panel_id'), ['panel_id'], unique=False)

    op.create_table('review_panels',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('committee_id', sa.String(length=36), nullable=False),
    sa.Column('committee_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('application_ids', sa.JSON(), nullable=False),
    sa.Column('applications', sa.JSON(), nullable=False),
    sa.Column('panel_size', sa.Integer(), nullable=False),
    sa.Column('reserves', sa.Integer(), nullable=False),
    sa.Column('specialties', sa.JSON(), nullable=False),
    sa.Column('exclude_same_area', sa.Boolean(), nullable=False),
    sa.Column('include_regional', sa.Boolean(), nullable=False),
    sa.Column('seed', sa.String(length=32), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('drawn', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('meeting_id', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.JSON(), nullable=False),
    sa.Column('created_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.Column('closed_at', zc_common.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('review_panels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_panels_committee_id'), ['committee_id'], unique=False)

    op.create_table('review_votes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('panel_id', sa.String(length=36), nullable=False),
    sa.Column('expert_id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('cast_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.Column('changed_at', zc_common.db.UTCDateTime(), nullable=False),
    sa.Column('changes', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('panel_id', 'expert_id', 'application_id', name='uq_vote_once')
    )
    with op.batch_alter_table('review_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_votes_panel_id'), ['panel_id'], unique=False)

    with op.batch_alter_table('review_meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=16), server_default='paper', nullable=False))



def downgrade():
    with op.batch_alter_table('review_meetings', schema=None) as batch_op:
        batch_op.drop_column('mode')

    with op.batch_alter_table('review_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_votes_panel_id'))

    op.drop_table('review_votes')
    with op.batch_alter_table('review_panels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_panels_committee_id'))

    op.drop_table('review_panels')
    with op.batch_alter_table('review_panel_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_panel_seats_panel_id'))
        batch_op.drop_index(batch_op.f('ix_review_panel_seats_expert_id'))

    op.drop_table('review_panel_seats')
    with op.batch_alter_table('review_experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_experts_id_number'))

    op.drop_table('review_experts')
    with op.batch_alter_table('review_expert_pool', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_expert_pool_pool'))
        batch_op.drop_index(batch_op.f('ix_review_expert_pool_expert_id'))
        batch_op.drop_index('ix_pool_expert')

    op.drop_table('review_expert_pool')
    with op.batch_alter_table('review_exclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_exclusions_expert_id'))
        batch_op.drop_index('ix_exclusion_panel_expert')

    op.drop_table('review_exclusions')

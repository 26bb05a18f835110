"""application kinds, one application per title, stage windows

Revision ID: a1c3e5f7b9d2
Revises: e87d6047fb49
Create Date: 2026-12-02 07:00:00
"""
from alembic import op
import sqlalchemy as sa

import zc_common.db


revision = 'a1c3e5f7b9d2'
down_revision = 'e87d6047fb49'
branch_labels = None
depends_on = None

# The labels stored before kinds were data.
LABELS = {"评审": "review", "初次确定": "initial", "授予": "conferral", "特殊人才认定": "special_talent"}


def upgrade():
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kinds', sa.JSON(), nullable=True))
    op.execute("UPDATE qualifications SET kinds = '[\"review\"]'")
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.alter_column('kinds', existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table('committee_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receive_opens_at', zc_common.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('receive_closes_at', zc_common.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('specialty_windows', sa.JSON(), nullable=True))
    op.execute("UPDATE committee_settings SET specialty_windows = '{}'")
    with op.batch_alter_table('committee_settings', schema=None) as batch_op:
        batch_op.alter_column('specialty_windows', existing_type=sa.JSON(), nullable=False)

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('title_key', sa.String(length=160), nullable=True))
    for label, key in LABELS.items():
        op.execute(sa.text("UPDATE applications SET kind = :key WHERE route_kind = :label")
                   .bindparams(key=key, label=label))
    op.execute("UPDATE applications SET kind = 'review' WHERE kind IS NULL")
    op.execute("UPDATE applications SET title_key = (SELECT q.series || '|' || q.specialty || '|' || q.level "
               "FROM qualifications q WHERE q.id = applications.qualification_id)")
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=sa.String(length=32), nullable=False)
        batch_op.alter_column('title_key', existing_type=sa.String(length=160), nullable=False)
        batch_op.drop_constraint('uq_application_once_a_year', type_='unique')
        batch_op.create_unique_constraint('uq_application_title_once_a_year', ['applicant_id', 'title_key', 'year'])
        batch_op.drop_column('route_kind')


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('route_kind', sa.String(length=16), nullable=True))
    for label, key in LABELS.items():
        op.execute(sa.text("UPDATE applications SET route_kind = :label WHERE kind = :key")
                   .bindparams(key=key, label=label))
    op.execute("UPDATE applications SET route_kind = '评审' WHERE route_kind IS NULL")
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.alter_column('route_kind', existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_constraint('uq_application_title_once_a_year', type_='unique')
        batch_op.create_unique_constraint('uq_application_once_a_year', ['applicant_id', 'qualification_id', 'year'])
        batch_op.drop_column('title_key')
        batch_op.drop_column('kind')
    with op.batch_alter_table('committee_settings', schema=None) as batch_op:
        batch_op.drop_column('specialty_windows')
        batch_op.drop_column('receive_closes_at')
        batch_op.drop_column('receive_opens_at')
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_column('kinds')

"""Baseline: the tables as create_all made them before migrations (a database made then is
stamped at this revision by `Migrations.upgrade`, keeping its data).

Revision ID: bank_0001
Revises: (none: the first)
Create Date: 2026-12-07 05:46:12.038507
"""

import sqlalchemy as sa
from alembic import op

revision = 'bank_0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('products',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('risk', sa.Integer(), nullable=False),
    sa.Column('return_zh', sa.String(length=200), nullable=False),
    sa.Column('return_en', sa.String(length=200), nullable=False),
    sa.Column('min_purchase', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('purchase_fee_rate', sa.Numeric(18, 6).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('redemption_days', sa.Integer(), nullable=False),
    sa.Column('closed_days', sa.Integer(), nullable=True),
    sa.Column('fast_redemption_daily_limit', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('credit_lines',
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('limit', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('daily_rate', sa.Numeric(18, 6).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('customer_id')
    )
    op.create_table('debit_cards',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('masked_number', sa.String(length=32), nullable=False),
    sa.Column('balance', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id')
    )
    op.create_table('handoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('holdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('product_code', sa.String(length=16), nullable=False),
    sa.Column('cost', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('market_value', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('yesterday_earnings', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=True),
    sa.Column('confirmed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['product_code'], ['products.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holdings_customer_id'), ['customer_id'], unique=False)

    op.create_table('idempotent_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('customer_id', 'key')
    )
    op.create_table('loans',
    sa.Column('id', sa.String(length=16), nullable=False),
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('product_code', sa.String(length=16), nullable=False),
    sa.Column('principal', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('daily_rate', sa.Numeric(18, 6).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('term_months', sa.Integer(), nullable=False),
    sa.Column('drawn_on', sa.Date(), nullable=False),
    sa.Column('installment', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loans_customer_id'), ['customer_id'], unique=False)

    op.create_table('orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('product_code', sa.String(length=16), nullable=False),
    sa.Column('side', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('fee', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('trade_date', sa.Date(), nullable=False),
    sa.Column('confirmation_date', sa.Date(), nullable=True),
    sa.Column('arrival_date', sa.Date(), nullable=True),
    sa.Column('fast', sa.Boolean(), nullable=False),
    sa.Column('proceeds_paid_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['product_code'], ['products.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_customer_id'), ['customer_id'], unique=False)

    op.create_table('redemption_fees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_code', sa.String(length=16), nullable=False),
    sa.Column('min_days_held', sa.Integer(), nullable=False),
    sa.Column('rate', sa.Numeric(18, 6).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['product_code'], ['products.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('risk_profiles',
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('answers', sa.String(length=7), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('customer_id')
    )
    op.create_table('transactions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.String(length=16), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('description_zh', sa.String(length=200), nullable=False),
    sa.Column('description_en', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transactions_customer_id'), ['customer_id'], unique=False)

    op.create_table('card_freezes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('frozen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['debit_cards.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('card_freezes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_freezes_card_id'), ['card_id'], unique=False)

    op.create_table('installments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.String(length=16), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('principal', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('interest', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('loan_id', 'number')
    )
    op.create_table('repayments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.String(length=16), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('principal', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('interest', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.Column('penalty', sa.Numeric(18, 2).with_variant(sa.String(32), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('repayments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repayments_loan_id'), ['loan_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('repayments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repayments_loan_id'))

    op.drop_table('repayments')
    op.drop_table('installments')
    with op.batch_alter_table('card_freezes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_freezes_card_id'))

    op.drop_table('card_freezes')
    with op.batch_alter_table('transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transactions_customer_id'))

    op.drop_table('transactions')
    op.drop_table('risk_profiles')
    op.drop_table('redemption_fees')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_customer_id'))

    op.drop_table('orders')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loans_customer_id'))

    op.drop_table('loans')
    op.drop_table('idempotent_requests')
    with op.batch_alter_table('holdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holdings_customer_id'))

    op.drop_table('holdings')
    op.drop_table('handoffs')
    op.drop_table('debit_cards')
    op.drop_table('credit_lines')
    op.drop_table('products')
    op.drop_table('customers')

"""The demo bank of /work/shared/spec/demo-bank.md, as of 2026-11-26.

Not in the spec, chosen for the sandbox: card ids, the dates each holding was confirmed (after the
customer's risk assessment; C001's WM001 after the 2026-11-08 purchase), C003's approved daily rate.
"""

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.loans import open_loan
from bank.models import (
    CreditLine,
    Customer,
    DebitCard,
    Holding,
    Product,
    RedemptionFee,
    Repayment,
    RiskProfile,
    Transaction,
)

NO_FEE: list[tuple[int, str]] = []
EQUITY_FEES = [(0, "0.015"), (7, "0.005"), (365, "0")]  # < 7 days, 7 days - 1 year, after 1 year

PRODUCTS = [
    # code, zh, en, risk, return zh, return en, minimum, purchase fee, T+N, closed days, fast limit,
    # redemption fee tiers
    ("WM001", "活期宝", "Daily Cash", 1, "七日年化收益率 1.85%", "7-day annualised yield 1.85%",
     "1.00", "0", 1, None, "10000.00", NO_FEE),
    ("WM002", "稳盈90天", "Steady 90", 2, "业绩比较基准 2.60%-3.20%/年（不构成收益承诺）",
     "Performance benchmark 2.60%-3.20% a year (not guaranteed)",
     "1000.00", "0", 1, 90, None, NO_FEE),
    ("WM003", "安心债基", "Secure Bond Fund", 2, "近一年收益率 3.40%", "Past 1-year return 3.40%",
     "100.00", "0.0008", 3, None, None, [(0, "0.015"), (7, "0")]),
    ("WM004", "均衡混合", "Balanced Mix Fund", 3, "近一年收益率 6.80%", "Past 1-year return 6.80%",
     "100.00", "0.0015", 3, None, None, EQUITY_FEES),
    ("WM005", "成长股票", "Growth Equity Fund", 4, "近一年收益率 12.50%",
     "Past 1-year return 12.50%", "100.00", "0.0015", 3, None, None, EQUITY_FEES),
    ("WM006", "全球科技QDII", "Global Tech QDII", 5, "近一年收益率 18.20%",
     "Past 1-year return 18.20%", "1000.00", "0.0012", 7, None, None, [(0, "0.015"), (7, "0.005")]),
]

CUSTOMERS = [
    # id, name, language, card id, masked card, balance, credit limit, approved daily rate
    ("C001", "张伟", "zh", "DC001", "6217 **** **** 0428", "52380.25", "80000.00", "0.0003"),
    ("C002", "李娜", "zh", "DC002", "6217 **** **** 1193", "3210.50", "5000.00", "0.0005"),
    ("C003", "Emily Chen", "en", "DC003", "6217 **** **** 7750", "250000.00", "200000.00",
     "0.0002"),
]

RISK_PROFILES = [("C001", 3, date(2026, 3, 1), date(2027, 3, 1)),
                 ("C003", 5, date(2026, 8, 20), date(2027, 8, 20))]

HOLDINGS = [
    # customer, product, cost, market value, yesterday's earnings, confirmed on
    ("C001", "WM001", "12000.00", "12000.00", "0.61", date(2026, 11, 10)),
    ("C001", "WM004", "30000.00", "31245.80", None, date(2026, 3, 3)),
    ("C003", "WM005", "50000.00", "53912.40", None, date(2026, 8, 24)),
    ("C003", "WM006", "20000.00", "21480.00", None, date(2026, 8, 24)),
]

LOANS = [
    # id, customer, principal, daily rate, months, drawn on, installments paid
    ("L1001", "C001", "20000.00", "0.0003", 10, date(2026, 6, 15), 5),
    ("L2001", "C002", "5000.00", "0.0005", 6, date(2026, 5, 10), 5),
]

TRANSACTIONS = [
    ("C001", date(2026, 11, 8), "-5000.00", "购买 活期宝", "Purchase Daily Cash"),
    ("C001", date(2026, 11, 12), "-1000.00", "转账给 王芳", "Transfer to 王芳"),
    ("C001", date(2026, 11, 15), "-2100.33", "贷款还款 L1001", "Loan installment L1001"),
    ("C001", date(2026, 11, 20), "18500.00", "工资", "Salary"),
    ("C001", date(2026, 11, 25), "-32.00", "咖啡", "Coffee"),
]


def seed(session: Session) -> bool:
    """Add the demo bank to an empty database; False (and nothing added) if it is there already."""
    if session.scalars(select(Customer)).first() is not None:
        return False
    for (code, zh, en, risk, return_zh, return_en, minimum, fee, days, closed, fast,
         tiers) in PRODUCTS:
        session.add(Product(
            code=code, name_zh=zh, name_en=en, risk=risk, return_zh=return_zh, return_en=return_en,
            min_purchase=D(minimum), purchase_fee_rate=D(fee), redemption_days=days,
            closed_days=closed, fast_redemption_daily_limit=D(fast) if fast else None,
            redemption_fees=[
                RedemptionFee(min_days_held=held, rate=D(rate)) for held, rate in tiers
            ],
        ))
    session.add_all(Customer(id=c[0], name=c[1], language=c[2]) for c in CUSTOMERS)
    session.flush()  # the rows below point at customers and products
    for customer_id, _, _, card_id, masked, balance, limit, rate in CUSTOMERS:
        session.add(DebitCard(id=card_id, customer_id=customer_id, masked_number=masked,
                              balance=D(balance)))
        session.add(CreditLine(customer_id=customer_id, limit=D(limit), daily_rate=D(rate)))
    for customer_id, level, assessed_on, valid_until in RISK_PROFILES:
        session.add(RiskProfile(customer_id=customer_id, level=level, assessed_on=assessed_on,
                                valid_until=valid_until))
    for customer_id, code, cost, value, earnings, confirmed_on in HOLDINGS:
        session.add(Holding(customer_id=customer_id, product_code=code, cost=D(cost),
                            market_value=D(value), confirmed_on=confirmed_on,
                            yesterday_earnings=D(earnings) if earnings else None))
    for loan_id, customer_id, principal, rate, months, drawn_on, paid in LOANS:
        loan = open_loan(loan_id, customer_id, D(principal), D(rate), months, drawn_on)
        session.add(loan)
        for installment in loan.installments[:paid]:  # debited on their due dates
            installment.paid_on = installment.due_date
            session.add(Repayment(
                loan_id=loan_id, paid_on=installment.due_date,
                amount=installment.principal + installment.interest,
                principal=installment.principal, interest=installment.interest, penalty=D(0),
            ))
    for customer_id, booked_on, amount, zh, en in TRANSACTIONS:
        session.add(Transaction(customer_id=customer_id, booked_on=booked_on, amount=D(amount),
                                description_zh=zh, description_en=en))
    session.commit()
    return True

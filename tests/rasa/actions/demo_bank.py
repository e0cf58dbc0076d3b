"""The demo bank as the sandbox account service answers for it on 2026-11-26 (its own JSON for
GET /customers/{id}/...), and its products and risk levels: what the fake account services of
fakes.py answer with."""

from datetime import timedelta, timezone
from decimal import Decimal

from actions.bank_replies import Product, RiskProfile


def _installment(number, due, amount, principal, interest, status, days=0, penalty="0.00"):
    return {"number": number, "due_date": due, "amount": amount, "principal": principal,
            "interest": interest, "status": status, "paid_on": due if status == "paid" else None,
            "days_overdue": days, "penalty_interest": penalty}


L1001_SCHEDULE = [
    _installment(1, "2026-07-15", "2100.33", "1920.33", "180.00", "paid"),
    _installment(2, "2026-08-15", "2100.33", "1937.61", "162.72", "paid"),
    _installment(3, "2026-09-15", "2100.33", "1955.05", "145.28", "paid"),
    _installment(4, "2026-10-15", "2100.33", "1972.65", "127.68", "paid"),
    _installment(5, "2026-11-15", "2100.33", "1990.40", "109.93", "paid"),
    _installment(6, "2026-12-15", "2100.33", "2008.31", "92.02", "upcoming"),
    _installment(7, "2027-01-15", "2100.33", "2026.39", "73.94", "upcoming"),
    _installment(8, "2027-02-15", "2100.33", "2044.63", "55.70", "upcoming"),
    _installment(9, "2027-03-15", "2100.33", "2063.03", "37.30", "upcoming"),
    _installment(10, "2027-04-15", "2100.33", "2081.60", "18.73", "upcoming"),
]
L2001_SCHEDULE = [
    _installment(1, "2026-06-10", "877.63", "802.63", "75.00", "paid"),
    _installment(2, "2026-07-10", "877.63", "814.67", "62.96", "paid"),
    _installment(3, "2026-08-10", "877.63", "826.89", "50.74", "paid"),
    _installment(4, "2026-09-10", "877.63", "839.29", "38.34", "paid"),
    _installment(5, "2026-10-10", "877.63", "851.88", "25.75", "paid"),
    _installment(6, "2026-11-10", "877.61", "864.64", "12.97", "overdue", 16, "10.38"),
]
L1001 = {
    "loan_id": "L1001", "product_code": "LN-P", "name_zh": "随心借", "name_en": "Flexi Loan",
    "principal": "20000.00", "drawn_on": "2026-06-15", "term_months": 10,
    "daily_rate": "0.0003", "monthly_rate": "0.009", "installment": "2100.33",
    "outstanding_principal": "10223.96", "status": "active",
    "next_installment": L1001_SCHEDULE[5], "overdue": None,
}
L2001 = {
    "loan_id": "L2001", "product_code": "LN-P", "name_zh": "随心借", "name_en": "Flexi Loan",
    "principal": "5000.00", "drawn_on": "2026-05-10", "term_months": 6, "daily_rate": "0.0005",
    "monthly_rate": "0.015", "installment": "877.63", "outstanding_principal": "864.64",
    "status": "overdue", "next_installment": L2001_SCHEDULE[5],
    "overdue": {"installments": [6], "amount": "877.61", "principal": "864.64",
                "days_overdue": 16, "in_grace_period": False, "penalty_interest": "10.38"},
}


def _holding(code, zh, en, risk, cost, value, profit, earnings, confirmed_on):
    return {"product_code": code, "name_zh": zh, "name_en": en, "risk": risk, "cost": cost,
            "market_value": value, "profit": profit, "yesterday_earnings": earnings,
            "redeemable": value,
            "lots": [{"confirmed_on": confirmed_on, "cost": cost, "market_value": value,
                      "status": "redeemable", "matures_on": None}]}


C001_TRANSACTIONS = [
    {"booked_on": "2026-11-25", "amount": "-32.00", "description_zh": "咖啡",
     "description_en": "Coffee"},
    {"booked_on": "2026-11-20", "amount": "18500.00", "description_zh": "工资",
     "description_en": "Salary"},
    {"booked_on": "2026-11-15", "amount": "-2100.33", "description_zh": "贷款还款 L1001",
     "description_en": "Loan installment L1001"},
    {"booked_on": "2026-11-12", "amount": "-1000.00", "description_zh": "转账给 王芳",
     "description_en": "Transfer to 王芳"},
    {"booked_on": "2026-11-08", "amount": "-5000.00", "description_zh": "购买 活期宝",
     "description_en": "Purchase Daily Cash"},
]

DEMO_BANK = {
    "C001": {
        "profile": {"customer_id": "C001", "name": "张伟", "language": "zh",
                    "card": {"card_id": "DC001", "masked_number": "6217 **** **** 0428",
                             "frozen": False}},
        "balance": {"card_id": "DC001", "masked_number": "6217 **** **** 0428",
                    "currency": "CNY", "balance": "52380.25", "frozen": False},
        "holdings": {
            "total_cost": "42000.00", "total_market_value": "43245.80",
            "holdings": [
                _holding("WM001", "活期宝", "Daily Cash", "R1", "12000.00", "12000.00", "0.00",
                         "0.61", "2026-11-10"),
                _holding("WM004", "均衡混合", "Balanced Mix Fund", "R3", "30000.00", "31245.80",
                         "1245.80", None, "2026-03-03"),
            ],
            "redemptions_in_transit": [],
        },
        "loans": [L1001],
        "schedules": {"L1001": L1001_SCHEDULE},
        "credit_line": {"limit": "80000.00", "outstanding_principal": "10223.96",
                        "available": "69776.04", "daily_rate": "0.0003", "frozen": False,
                        "frozen_reason": None},
        "transactions": C001_TRANSACTIONS,
    },
    "C002": {
        "profile": {"customer_id": "C002", "name": "李娜", "language": "zh",
                    "card": {"card_id": "DC002", "masked_number": "6217 **** **** 1193",
                             "frozen": False}},
        "balance": {"card_id": "DC002", "masked_number": "6217 **** **** 1193",
                    "currency": "CNY", "balance": "3210.50", "frozen": False},
        "holdings": {"total_cost": "0.00", "total_market_value": "0.00", "holdings": [],
                     "redemptions_in_transit": []},
        "loans": [L2001],
        "schedules": {"L2001": L2001_SCHEDULE},
        "credit_line": {"limit": "5000.00", "outstanding_principal": "864.64",
                        "available": "0.00", "daily_rate": "0.0005", "frozen": True,
                        "frozen_reason": "overdue"},
        "transactions": [],
    },
    "C003": {
        "profile": {"customer_id": "C003", "name": "Emily Chen", "language": "en",
                    "card": {"card_id": "DC003", "masked_number": "6217 **** **** 7750",
                             "frozen": False}},
        "balance": {"card_id": "DC003", "masked_number": "6217 **** **** 7750",
                    "currency": "CNY", "balance": "250000.00", "frozen": False},
        "holdings": {
            "total_cost": "70000.00", "total_market_value": "75392.40",
            "holdings": [
                _holding("WM005", "成长股票", "Growth Equity Fund", "R4", "50000.00", "53912.40",
                         "3912.40", None, "2026-08-24"),
                _holding("WM006", "全球科技QDII", "Global Tech QDII", "R5", "20000.00",
                         "21480.00", "1480.00", None, "2026-08-24"),
            ],
            "redemptions_in_transit": [],
        },
        "loans": [],
        "schedules": {},
        "credit_line": {"limit": "200000.00", "outstanding_principal": "0.00",
                        "available": "200000.00", "daily_rate": "0.0002", "frozen": False,
                        "frozen_reason": None},
        "transactions": [],
    },
}


SHANGHAI = timezone(timedelta(hours=8))
# The account service sends the notice with every buy quote and order (demo bank's facts).
RISK_NOTICE = {"zh": "理财非存款、产品有风险、投资须谨慎",
               "en": "Wealth products are not deposits. Investing involves risk."}


def product(code, name_zh, name_en, risk, return_zh, return_en, min_purchase, closed_days,
            redemption_days):
    return Product(code=code, name_zh=name_zh, name_en=name_en, risk=risk, return_zh=return_zh,
                   return_en=return_en, min_purchase=Decimal(min_purchase),
                   closed_days=closed_days, redemption_days=redemption_days)


PRODUCTS = [
    product("WM001", "活期宝", "Daily Cash", "R1", "七日年化1.85%", "7-day yield 1.85%",
            "1.00", None, 1),
    product("WM002", "稳盈90天", "Steady 90", "R2", "业绩比较基准2.60%-3.20%", "benchmark",
            "1000.00", 90, 1),
    product("WM004", "均衡混合", "Balanced Mix Fund", "R3", "近1年6.80%", "past year 6.80%",
            "100.00", None, 3),
    product("WM005", "成长股票", "Growth Equity Fund", "R4", "近1年12.50%", "past year 12.50%",
            "100.00", None, 3),
    product("WM006", "全球科技QDII", "Global Tech QDII", "R5", "近1年18.20%", "18.20%",
            "1000.00", None, 7),
]
LEVELS = {"C001": "C3", "C003": "C5"}
NAMES = {"C1": ("保守型", "Conservative"), "C3": ("平衡型", "Balanced"),
         "C5": ("进取型", "Aggressive")}


def profile(level, total, assessed_on):
    name_zh, name_en = NAMES[level]
    return RiskProfile(level=level, name_zh=name_zh, name_en=name_en,
                       max_product_risk=f"R{level[1]}", score=total, assessed_on=assessed_on,
                       valid_until=assessed_on.replace(year=assessed_on.year + 1), valid=True)

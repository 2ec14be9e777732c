"""Compliance dashboards (OPEN-3) for state and department officials: MSE,
SC/ST and women shares against the MSE-4 targets per department and FY (from
the statistics' `BuyerRollup`), off-portal purchases (MODE-6), units without
active users, payment delays and interest (`PaymentRollup`), and the ranking
of a state's departments."""

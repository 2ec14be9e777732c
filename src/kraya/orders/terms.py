"""ORD-1: the general terms of every contract, and the titles of the clauses
a category or a buyer's additional terms (ATC) may override. A clause is keyed
by a short code; a higher source's text replaces a lower one's for the same
code (`kraya.buying.rules.contract_terms`).

The wording summarises the portal's General Terms and Conditions as DOMAIN §9
states them (ORD-3..ORD-7); the numbers come from the orders policy in force
on the order's date, so a contract quotes the windows that bind it."""

from __future__ import annotations

from dataclasses import dataclass

from kraya.core.policy import Policy


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    hi: str


TITLES: dict[str, Text] = {
    "acceptance": Text("Acceptance of the order", "आदेश की स्वीकृति"),
    "delivery": Text("Delivery", "सुपुर्दगी"),
    "liquidated_damages": Text("Liquidated damages", "परिनिर्धारित नुकसानी"),
    "inspection": Text("Receipt and acceptance", "प्राप्ति और स्वीकृति"),
    "rejection": Text("Rejection and replacement", "अस्वीकृति और प्रतिस्थापन"),
    "payment": Text("Payment", "भुगतान"),
    "warranty": Text("Warranty", "वारंटी"),
    "disputes": Text("Disputes", "विवाद"),
}


def title_of(clause: str) -> Text:
    """A known clause's title; an unknown clause of an ATC is titled by its key."""
    return TITLES.get(clause, Text(clause, clause))


def general_terms(policy: Policy) -> dict[str, Text]:
    """The general terms under the orders policy in force on the order's date."""
    orders = policy.orders
    ld, cap = orders.ld_percent_per_week, orders.ld_cap_percent
    return {
        "acceptance": Text(
            f"The seller accepts or declines the order within "
            f"{orders.seller_acceptance_working_days} working days; an order not "
            f"answered in time is cancelled and counts against the seller.",
            f"विक्रेता {orders.seller_acceptance_working_days} कार्य दिवसों में आदेश स्वीकार "
            f"या अस्वीकार करेगा; समय पर उत्तर न मिलने पर आदेश रद्द होगा और विक्रेता के "
            f"विरुद्ध गिना जाएगा।",
        ),
        "delivery": Text(
            "The seller delivers the items to the consignee at the delivery address "
            "by the delivery date stated in this contract.",
            "विक्रेता इस संविदा में दी गई सुपुर्दगी तिथि तक सामान सुपुर्दगी पते पर परेषित को सौंपेगा।",
        ),
        "liquidated_damages": Text(
            f"Late delivery bears liquidated damages of {ld}% of the delayed value for "
            f"each week or part of a week, up to {cap}% of the contract value.",
            f"देर से सुपुर्दगी पर विलंबित मूल्य का {ld}% प्रति सप्ताह या सप्ताह के अंश "
            f"के लिए परिनिर्धारित नुकसानी लगेगी, अधिकतम संविदा मूल्य का {cap}%।",
        ),
        "inspection": Text(
            f"The consignee issues a provisional receipt certificate on receipt and a "
            f"consignee receipt and acceptance certificate (CRAC) within "
            f"{orders.crac_days_after_prc} days of it; without one the goods are deemed "
            f"accepted.",
            f"परेषित प्राप्ति पर अनंतिम प्राप्ति प्रमाणपत्र और उसके {orders.crac_days_after_prc} "
            f"दिनों के भीतर प्राप्ति एवं स्वीकृति प्रमाणपत्र (CRAC) जारी करेगा; ऐसा न होने "
            f"पर सामान स्वीकृत माना जाएगा।",
        ),
        "rejection": Text(
            f"Goods may be rejected within {orders.rejection_days_after_receipt} days of "
            f"receipt; the seller replaces them within {orders.replacement_days} days.",
            f"प्राप्ति के {orders.rejection_days_after_receipt} दिनों के भीतर सामान अस्वीकार "
            f"किया जा सकता है; विक्रेता उसे {orders.replacement_days} दिनों में बदलेगा।",
        ),
        "payment": Text(
            f"The paying authority pays the bill within {orders.payment_days_after_crac} "
            f"days of the CRAC; later payment bears interest of "
            f"{orders.late_payment_interest_percent_per_month}% a month for each day late.",
            f"भुगतान प्राधिकारी CRAC के {orders.payment_days_after_crac} दिनों के भीतर बिल "
            f"का भुगतान करेगा; देरी पर प्रति दिन के हिसाब से "
            f"{orders.late_payment_interest_percent_per_month}% मासिक ब्याज देय होगा।",
        ),
        "disputes": Text(
            "Disputes are settled under the portal's incident and dispute procedure.",
            "विवादों का निपटारा पोर्टल की घटना एवं विवाद प्रक्रिया के अंतर्गत होगा।",
        ),
    }

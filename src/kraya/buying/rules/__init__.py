"""The pure buying rules (DOMAIN §5 MODE-1..6, §9 ORD-1..2): plain values and
a `Policy` in, decisions out, each carrying the rule id that decided, a
stable code when refused and a `DecisionReceipt` to store. No Django here.

- `modes`: MODE-1 `purchase_mode`, MODE-2 `direct_purchase`, MODE-4 `mode_allowed`;
- `l1`: MODE-3 `l1_selection`, `replay_l1`, `new_tie_break_seed`;
- `splitting`: MODE-5 `split_check`;
- `availability`: MODE-6 reasons and report ids;
- `contracts`: ORD-2 `sanction_check`, ORD-1 `contract_terms`, `contract_number`;
- `explain`: the English wording of every receipt."""

from kraya.buying.rules.availability import (
    DELIVERY_NOT_POSSIBLE,
    NOT_AVAILABLE,
    OTHER,
    REASONS,
    SPEC_NOT_MET,
    URGENT_EMERGENCY,
    ReportId,
    availability_report,
    availability_report_id,
    availability_report_id_valid,
    parse_availability_report_id,
)
from kraya.buying.rules.common import (
    BID,
    DIRECT,
    L1,
    MODES,
    BuyingError,
    Decision,
    strictness,
)
from kraya.buying.rules.contracts import (
    ATC,
    CATEGORY,
    GENERAL,
    ContractTerms,
    Term,
    contract_number,
    contract_number_valid,
    contract_terms,
    parse_contract_number,
    sanction_check,
)
from kraya.buying.rules.explain import explain
from kraya.buying.rules.l1 import (
    Candidate,
    L1Decision,
    ReplayMismatch,
    l1_selection,
    new_tie_break_seed,
    replay_l1,
    tie_break_rank,
)
from kraya.buying.rules.modes import (
    ModeDecision,
    direct_purchase,
    mode_allowed,
    purchase_mode,
    required_mode,
)
from kraya.buying.rules.splitting import Demand, SplitDecision, in_split_window, split_check

__all__ = [
    "ATC",
    "BID",
    "CATEGORY",
    "DELIVERY_NOT_POSSIBLE",
    "DIRECT",
    "GENERAL",
    "L1",
    "MODES",
    "NOT_AVAILABLE",
    "OTHER",
    "REASONS",
    "SPEC_NOT_MET",
    "URGENT_EMERGENCY",
    "BuyingError",
    "Candidate",
    "ContractTerms",
    "Decision",
    "Demand",
    "L1Decision",
    "ModeDecision",
    "ReplayMismatch",
    "ReportId",
    "SplitDecision",
    "Term",
    "availability_report",
    "availability_report_id",
    "availability_report_id_valid",
    "contract_number",
    "contract_number_valid",
    "contract_terms",
    "direct_purchase",
    "explain",
    "in_split_window",
    "l1_selection",
    "mode_allowed",
    "new_tie_break_seed",
    "parse_availability_report_id",
    "parse_contract_number",
    "purchase_mode",
    "replay_l1",
    "required_mode",
    "sanction_check",
    "split_check",
    "strictness",
    "tie_break_rank",
]

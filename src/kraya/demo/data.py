"""The demo world, as data: Uttar Pradesh with three departments, their
directorates and district offices, the people who work there, five seller
firms from UP districts, and a small catalogue.

`kraya demo` (see `loader.py`) creates all of it through the accounts and
catalogue services; `DEMO_LOGINS` is what script/server prints. Pure data:
no Django imports, so the logins can be listed without a database."""

from __future__ import annotations

from dataclasses import dataclass

from kraya.accounts.rules import (
    BUYER,
    CONSIGNEE,
    PAYING_AUTHORITY,
    PRIMARY,
    SELLER_ADMIN,
    SELLER_BIDDING,
    SELLER_CATALOGUE,
    SELLER_FULFILMENT,
)
from kraya.catalog.rules import BOOLEAN, CHOICE, NUMBER, PRODUCT, SERVICE, TEXT

# One password for every demo login; it passes the password validators.
DEMO_PASSWORD = "Kraya-demo-2026"
EMAIL_DOMAIN = "demo.kraya.example.in"
STATE_NAME = "Uttar Pradesh"


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    roles: tuple[str, ...]

    @property
    def email(self) -> str:
        return f"{self.username}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class Office:
    code: str
    name: str
    name_hi: str
    district: str


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str
    name_hi: str
    primary: Person
    offices: tuple[Office, ...]
    # Secondary users, all in the first office (ROLE-2: an office transacts
    # with a Buyer and a Paying Authority besides the Primary User).
    staff: tuple[Person, ...]


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_hi: str
    organisation: Organisation


@dataclass(frozen=True)
class Firm:
    name: str
    district: str
    admin: Person
    staff: tuple[Person, ...] = ()


@dataclass(frozen=True)
class Parameter:
    """A parameter of a category's specification template (CAT-1);
    choices are (value, English, Hindi)."""

    code: str
    name: str
    name_hi: str
    kind: str
    unit: str = ""
    choices: tuple[tuple[str, str, str], ...] = ()
    golden: bool = False
    required: bool = False
    min_value: str | None = None
    max_value: str | None = None


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    name_hi: str
    kind: str
    parameters: tuple[Parameter, ...] = ()


@dataclass(frozen=True)
class Offer:
    """A product (or service) and one firm's offer of it."""

    firm_admin: str  # the admin's username names the firm
    listed_by: str  # the seller user who lists it (admin or catalogue user)
    category: str
    title: str
    title_hi: str
    brand: str
    model: str
    price_paise: int
    mrp_paise: int
    stock: int
    lead_time_days: int
    specs: tuple[tuple[str, str], ...] = ()
    country_of_origin: str = "IN"
    local_content_percent: int = 100
    gi_tag: str = ""
    service_unit: str = ""
    sla: tuple[tuple[str, str], ...] = ()
    delivery_states: tuple[str, ...] = (STATE_NAME,)
    # CAT-4: a market price an operator observed; the demo flags one offer with it.
    market_price_paise: int | None = None


@dataclass(frozen=True)
class DemoLogin:
    username: str
    roles: tuple[str, ...]
    where: str


STATE = Office(code="UP", name=STATE_NAME, name_hi="उत्तर प्रदेश", district="")


def _office_staff(prefix: str, buyer: str, consignee: str, paying: str) -> tuple[Person, ...]:
    return (
        Person(f"{prefix}.buyer", buyer, (BUYER,)),
        Person(f"{prefix}.consignee", consignee, (CONSIGNEE,)),
        Person(f"{prefix}.paying", paying, (PAYING_AUTHORITY,)),
    )


DEPARTMENTS: tuple[Department, ...] = (
    Department(
        code="UP-MH",
        name="Medical Health and Family Welfare Department",
        name_hi="चिकित्सा स्वास्थ्य एवं परिवार कल्याण विभाग",
        organisation=Organisation(
            code="UP-DGMH",
            name="Directorate General of Medical and Health Services",
            name_hi="चिकित्सा एवं स्वास्थ्य सेवाएँ महानिदेशालय",
            primary=Person("health.primary", "Dr. Anil Kumar Verma", (PRIMARY,)),
            offices=(
                Office(
                    "UP-DGMH-LKO",
                    "Chief Medical Officer, Lucknow",
                    "मुख्य चिकित्सा अधिकारी, लखनऊ",
                    "Lucknow",
                ),
                Office(
                    "UP-DGMH-GKP",
                    "Chief Medical Officer, Gorakhpur",
                    "मुख्य चिकित्सा अधिकारी, गोरखपुर",
                    "Gorakhpur",
                ),
            ),
            staff=_office_staff("health", "Sunita Srivastava", "Rakesh Tiwari", "Meena Agarwal"),
        ),
    ),
    Department(
        code="UP-BE",
        name="Basic Education Department",
        name_hi="बेसिक शिक्षा विभाग",
        organisation=Organisation(
            code="UP-DBE",
            name="Directorate of Basic Education",
            name_hi="बेसिक शिक्षा निदेशालय",
            primary=Person("education.primary", "Dr. Kavita Mishra", (PRIMARY,)),
            offices=(
                Office(
                    "UP-DBE-ALG",
                    "District Basic Education Officer, Aligarh",
                    "ज़िला बेसिक शिक्षा अधिकारी, अलीगढ़",
                    "Aligarh",
                ),
                Office(
                    "UP-DBE-VNS",
                    "District Basic Education Officer, Varanasi",
                    "ज़िला बेसिक शिक्षा अधिकारी, वाराणसी",
                    "Varanasi",
                ),
            ),
            staff=_office_staff("education", "Arvind Yadav", "Pooja Saxena", "Deepak Chauhan"),
        ),
    ),
    Department(
        code="UP-PWD",
        name="Public Works Department",
        name_hi="लोक निर्माण विभाग",
        organisation=Organisation(
            code="UP-PWD-EIC",
            name="Office of the Engineer-in-Chief, Public Works",
            name_hi="प्रमुख अभियंता कार्यालय, लोक निर्माण विभाग",
            primary=Person("pwd.primary", "Er. Rajendra Prasad Singh", (PRIMARY,)),
            offices=(
                Office(
                    "UP-PWD-LKO",
                    "Executive Engineer, Provincial Division, Lucknow",
                    "अधिशासी अभियंता, प्रांतीय खंड, लखनऊ",
                    "Lucknow",
                ),
                Office(
                    "UP-PWD-GKP",
                    "Executive Engineer, Provincial Division, Gorakhpur",
                    "अधिशासी अभियंता, प्रांतीय खंड, गोरखपुर",
                    "Gorakhpur",
                ),
            ),
            staff=_office_staff("pwd", "Manoj Kumar Gupta", "Shalini Dubey", "Vivek Pandey"),
        ),
    ),
)

FIRMS: tuple[Firm, ...] = (
    Firm(
        name="Ganga Medical Suppliers",
        district="Kanpur Nagar",
        admin=Person("ganga.admin", "Ramesh Chandra Gupta", (SELLER_ADMIN,)),
        staff=(
            Person("ganga.catalogue", "Neha Gupta", (SELLER_CATALOGUE,)),
            Person("ganga.orders", "Sanjay Kushwaha", (SELLER_BIDDING, SELLER_FULFILMENT)),
        ),
    ),
    Firm(
        name="Awadh Office Solutions",
        district="Lucknow",
        admin=Person("awadh.admin", "Farhan Ahmad Siddiqui", (SELLER_ADMIN,)),
    ),
    Firm(
        name="Kashi Bunkar Sahkari Samiti",
        district="Varanasi",
        admin=Person("kashi.admin", "Shabnam Ansari", (SELLER_ADMIN,)),
    ),
    Firm(
        name="Gorakh Terracotta Kala Kendra",
        district="Gorakhpur",
        admin=Person("gorakh.admin", "Ramji Prajapati", (SELLER_ADMIN,)),
    ),
    Firm(
        name="Aligarh Tala Udyog",
        district="Aligarh",
        admin=Person("aligarh.admin", "Mohd. Irfan Qureshi", (SELLER_ADMIN,)),
    ),
)

# Registered brands publish at once (CAT-3); the others' products wait for an
# operator, and the demo approves all but one (left in the approval queue).
REGISTERED_BRANDS: tuple[str, ...] = ("Omron", "Godrej Interio", "JK Copier")
AWAITING_APPROVAL: frozenset[str] = frozenset({"Fingertip pulse oximeter"})

_MATERIAL = Parameter(
    "material",
    "Material",
    "सामग्री",
    CHOICE,
    choices=(
        ("cotton", "Cotton", "सूती"),
        ("terracotta", "Terracotta", "टेराकोटा"),
        ("brass", "Brass", "पीतल"),
        ("steel", "Steel", "स्टील"),
        ("wood", "Wood", "लकड़ी"),
    ),
    golden=True,
    required=True,
)

CATEGORIES: tuple[Category, ...] = (
    Category(
        "medical-equipment",
        "Medical equipment",
        "चिकित्सा उपकरण",
        PRODUCT,
        (
            Parameter(
                "device-type",
                "Device type",
                "उपकरण का प्रकार",
                CHOICE,
                choices=(
                    ("bp-monitor", "Blood pressure monitor", "रक्तचाप मॉनिटर"),
                    ("pulse-oximeter", "Pulse oximeter", "पल्स ऑक्सीमीटर"),
                ),
                golden=True,
                required=True,
            ),
            Parameter(
                "warranty",
                "Warranty",
                "वारंटी",
                NUMBER,
                unit="years",
                golden=True,
                min_value="0",
                max_value="10",
            ),
            Parameter("battery-operated", "Battery operated", "बैटरी से चलने वाला", BOOLEAN),
        ),
    ),
    Category(
        "stationery",
        "Stationery",
        "लेखन सामग्री",
        PRODUCT,
        (
            Parameter(
                "paper-size",
                "Paper size",
                "कागज़ का आकार",
                CHOICE,
                choices=(("a4", "A4", "ए4"), ("a3", "A3", "ए3"), ("legal", "Legal", "लीगल")),
                golden=True,
            ),
            Parameter(
                "gsm",
                "Paper weight",
                "कागज़ का वज़न",
                NUMBER,
                unit="gsm",
                golden=True,
                min_value="40",
                max_value="400",
            ),
            Parameter("sheets", "Sheets per pack", "प्रति पैक शीट", NUMBER, min_value="1"),
        ),
    ),
    Category(
        "office-furniture",
        "Office furniture",
        "कार्यालय फ़र्नीचर",
        PRODUCT,
        (
            _MATERIAL,
            Parameter(
                "shelves", "Shelves", "खाने", NUMBER, golden=True, min_value="0", max_value="12"
            ),
            Parameter("colour", "Colour", "रंग", TEXT),
        ),
    ),
    Category(
        "handloom-handicrafts",
        "Handloom and handicrafts",
        "हथकरघा एवं हस्तशिल्प",
        PRODUCT,
        (_MATERIAL, Parameter("handmade", "Handmade", "हस्तनिर्मित", BOOLEAN, golden=True)),
    ),
    Category(
        "locks-hardware",
        "Locks and hardware",
        "ताले एवं हार्डवेयर",
        PRODUCT,
        (
            _MATERIAL,
            Parameter("size", "Size", "आकार", NUMBER, unit="mm", golden=True, min_value="10"),
        ),
    ),
    Category(
        "housekeeping",
        "Housekeeping services",
        "हाउसकीपिंग सेवाएँ",
        SERVICE,
        (
            # Service categories carry their SLA terms as parameters (CAT-2).
            Parameter(
                "response-hours",
                "Response time",
                "प्रतिक्रिया समय",
                NUMBER,
                unit="hours",
                golden=True,
                required=True,
                min_value="1",
                max_value="72",
            ),
            Parameter(
                "hours-per-day", "Working hours a day", "प्रतिदिन कार्य घंटे", NUMBER, unit="hours"
            ),
        ),
    ),
)

OFFERS: tuple[Offer, ...] = (
    Offer(
        "ganga.admin",
        "ganga.catalogue",
        "medical-equipment",
        "Digital blood pressure monitor, upper arm",
        "डिजिटल रक्तचाप मॉनिटर, बाँह वाला",
        "Omron",
        "HEM-7120",
        1_850_00,
        2_400_00,
        150,
        5,
        specs=(("device-type", "bp-monitor"), ("warranty", "5"), ("battery-operated", "yes")),
        country_of_origin="VN",
        local_content_percent=0,
        delivery_states=(STATE_NAME, "Delhi", "Bihar"),
    ),
    Offer(
        "ganga.admin",
        "ganga.catalogue",
        "medical-equipment",
        "Fingertip pulse oximeter",
        "फ़िंगरटिप पल्स ऑक्सीमीटर",
        "Dr Trust",
        "209",
        1_150_00,
        1_999_00,
        300,
        4,
        specs=(("device-type", "pulse-oximeter"), ("warranty", "1"), ("battery-operated", "हाँ")),
        country_of_origin="CN",
        local_content_percent=25,
    ),
    Offer(
        "awadh.admin",
        "awadh.admin",
        "stationery",
        "A4 copier paper, 75 gsm, ream of 500 sheets",
        "ए4 कॉपियर पेपर, 75 जीएसएम, 500 शीट का रिम",
        "JK Copier",
        "75 GSM",
        265_00,
        310_00,
        5000,
        3,
        specs=(("paper-size", "a4"), ("gsm", "75"), ("sheets", "500")),
        local_content_percent=95,
    ),
    Offer(
        "awadh.admin",
        "awadh.admin",
        "office-furniture",
        "Steel almirah with 4 shelves",
        "चार खानों वाली स्टील अलमारी",
        "Godrej Interio",
        "Storwel Plus",
        14_500_00,
        17_200_00,
        25,
        10,
        specs=(("material", "steel"), ("shelves", "4"), ("colour", "Grey")),
        local_content_percent=80,
        # CAT-4: the market price is ₹12,000, so ₹14,500 is flagged (20.8% above).
        market_price_paise=12_000_00,
    ),
    # MODE-3: two more 4-shelf steel almirahs, so the demo's almirahs come from
    # three manufacturers and a buyer can make an L1 purchase of them.
    Offer(
        "ganga.admin",
        "ganga.catalogue",
        "office-furniture",
        "Steel almirah with 4 shelves, full height",
        "चार खानों वाली स्टील अलमारी, पूरी ऊँचाई",
        "Durian",
        "DA-4S",
        13_900_00,
        16_500_00,
        40,
        12,
        specs=(("material", "steel"), ("shelves", "4"), ("colour", "Green")),
        local_content_percent=90,
    ),
    Offer(
        "aligarh.admin",
        "aligarh.admin",
        "office-furniture",
        "Steel almirah with 4 shelves and locker",
        "लॉकर सहित चार खानों वाली स्टील अलमारी",
        "Aligarh Steel Works",
        "ASW-78",
        14_200_00,
        16_000_00,
        30,
        9,
        specs=(("material", "steel"), ("shelves", "4"), ("colour", "Grey")),
        local_content_percent=100,
    ),
    Offer(
        "awadh.admin",
        "awadh.admin",
        "housekeeping",
        "Office housekeeping, one worker for one month",
        "कार्यालय सफ़ाई, एक कर्मी, एक माह",
        "Awadh Office Solutions",
        "",
        14_800_00,
        14_800_00,
        40,
        7,
        specs=(("response-hours", "4"), ("hours-per-day", "8")),
        service_unit="per worker per month",
        sla=(("Replacement of an absent worker", "Same day"),),
    ),
    Offer(
        "kashi.admin",
        "kashi.admin",
        "handloom-handicrafts",
        "Handloom cotton bedsheet for hospitals, 90 x 60 inches",
        "अस्पतालों के लिए हथकरघा सूती चादर, 90 x 60 इंच",
        "Kashi Bunkar",
        "BS-9060",
        420_00,
        550_00,
        800,
        14,
        specs=(("material", "cotton"), ("handmade", "yes")),
        delivery_states=(STATE_NAME, "Bihar", "Madhya Pradesh"),
    ),
    Offer(
        "gorakh.admin",
        "gorakh.admin",
        "handloom-handicrafts",
        "Terracotta water pot (matka), 10 litres",
        "टेराकोटा मटका, 10 लीटर",
        "Gorakhpur Terracotta",
        "GT-10",
        350_00,
        450_00,
        200,
        7,
        specs=(("material", "terracotta"), ("handmade", "yes")),
        gi_tag="Gorakhpur Terracotta",
    ),
    Offer(
        "aligarh.admin",
        "aligarh.admin",
        "locks-hardware",
        "Brass padlock, 65 mm, with 3 keys",
        "पीतल का ताला, 65 मिमी, 3 चाबियों सहित",
        "Aligarh Tala Udyog",
        "AT-65",
        385_00,
        520_00,
        1000,
        6,
        specs=(("material", "brass"), ("size", "65")),
    ),
)


# BID-1: the demo's published bid (kraya.demo.loader._bid).
DEMO_BID_TITLE = "Steel almirahs for the district hospitals of Lucknow"


def _logins() -> tuple[DemoLogin, ...]:
    logins: list[DemoLogin] = []
    for department in DEPARTMENTS:
        organisation = department.organisation
        first_office = organisation.offices[0]
        logins.append(
            DemoLogin(organisation.primary.username, organisation.primary.roles, organisation.name)
        )
        logins.extend(
            DemoLogin(person.username, person.roles, first_office.name)
            for person in organisation.staff
        )
    for firm in FIRMS:
        logins.append(DemoLogin(firm.admin.username, firm.admin.roles, firm.name))
        logins.extend(DemoLogin(person.username, person.roles, firm.name) for person in firm.staff)
    return tuple(logins)


# Every demo login: username, roles, and the organisation, office or firm.
DEMO_LOGINS: tuple[DemoLogin, ...] = _logins()


@dataclass(frozen=True)
class DemoOrder:
    """A direct purchase by a department's office, moved along fulfilment
    (ORD-3..ORD-7) to `stop`, so each role finds something to do."""

    department: str  # the department's code
    offer_title: str
    quantity: int
    stop: str  # the order state the demo leaves it in


DEMO_ORDERS: tuple[DemoOrder, ...] = (
    # The Paying Authority of the Lucknow hospital has a bill to pay.
    DemoOrder("UP-MH", "Digital blood pressure monitor, upper arm", 10, "BILLED"),
    # The consignee of the PWD office has almirahs to certify (CRAC).
    DemoOrder("UP-PWD", "Steel almirah with 4 shelves", 2, "RECEIVED"),
    # Awadh Traders has an order of copier paper to accept.
    DemoOrder("UP-BE", "A4 copier paper, 75 gsm, ream of 500 sheets", 100, "PLACED"),
)

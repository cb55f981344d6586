"""The values the simulated site's work orders are drawn from (wosync.sim.data makes the
orders): statuses and category colours, customers and places, contacts, items and
instructions shaped after the rows of the real list page
(tests/fixtures/workfossa/work-list-length-aware.html), and the hostile texts of `hostile=True`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Status text -> the badge's CSS class ("Work Created" work-status-open is seen in the capture;
# "Quality Approved" work-status-in-progress per docs/workfossa-site.md; the others are guesses).
STATUS_KINDS = {
    "Work Created": "work-status-open",
    "Ready to Schedule": "work-status-open",
    "Scheduled": "work-status-scheduled",
    "Quality Approved": "work-status-in-progress",
    "In Progress": "work-status-in-progress",
}

# Category name -> the colour of its bar ("Meter Calibration" rgb(128, 0, 255) is seen).
CATEGORIES = {
    "Meter Calibration": "rgb(128, 0, 255)",
    "Filter Change": "rgb(0, 153, 102)",
    "Annual Inspection": "rgb(255, 153, 0)",
    "Dispenser Repair": "rgb(220, 20, 60)",
    "Combo": "rgb(30, 144, 255)",
}
DEFAULT_CATEGORY_COLOUR = "rgb(120, 120, 120)"

REASONS = ["AccuMeasure", "Post Construction Accumeasure", "Annual Inspection", "Compliance",
           "Maintenance Repairs"]
PROJECTS = ["Calibrations 2026", "Spring Filters 2026", "Q3 Compliance & Audit"]


@dataclass(frozen=True)
class Customer:
    """A customer (the first link of a row's .address block) and how its rows read."""

    customer_id: int
    name: str
    brand: str
    billing_company: str
    account_code: str
    store_digits: tuple[int, int]  # store numbers are "#" + a number in this range


# The first two after the capture (Wawa, 7-Eleven); the awkward names are on purpose.
CUSTOMERS = [
    Customer(11762, "Wawa", "Wawa", "Wawa - Dunmore", "WAW001", (5100, 5499)),
    Customer(11811, "7-Eleven Stores, Inc", "7-Eleven", "7-Eleven Stores, Inc", "7-E012", (30000, 45999)),
    Customer(11830, "José Núñez", "Sunoco", "Núñez Fuel Holdings", "SUN204", (100, 999)),
    Customer(11845, "Smith & Sons <Fuel>", "Marathon", "Smith & Sons <Fuel>", "MAR017", (1000, 1999)),
    Customer(11851, "Circle K Stores Inc.", "Circle K", "Circle K Stores Inc.", "CK-0301", (2700000, 2799999)),
    Customer(11868, "O'Malley's Gas & Go", "BP", "O'Malley's Gas & Go", "OMG001", (1, 99)),
]

STREET_NAMES = ["East Bears Avenue", "3rd Street SW", "US Highway 98 N.", "Gunn highway",
                "S. US Hwy 301", "East Martin Luther King Boulevard", "West Hillsborough Avenue",
                "Avenue of the Oaks"]
# Intersections as the capture writes them, doubled spaces included ("US 17  & Ave. O").
INTERSECTIONS = ["US 17  & Ave. O", "US 98 & Williamstown Blvd.", "US 301 & SR 674",
                 "US 301 nr. Gibsonton Rd.", "SR 60 & St. Cloud", "US 301 & MLK Blvd."]
# (city, state, zip prefix, county): some cities have several words.
PLACES = [
    ("Tampa", "FL", "336", "Hillsborough County"),
    ("St. Petersburg", "FL", "337", "Pinellas County"),
    ("Winter Haven", "FL", "338", "Polk County"),
    ("Sun City Center", "FL", "335", "Hillsborough County"),
    ("Lakeland", "FL", "338", "Polk County"),
    ("Largo", "FL", "337", "Pinellas County"),
    ("Denver", "CO", "802", "Denver County"),
    ("Commerce City", "CO", "800", "Adams County"),
]
CONTACT_FIRST = ["Chris", "Maria", "Lee", "Ana", "Sam", "Renée", "Tom", "Priya"]
CONTACT_LAST = ["Dunmore", "Lindqvist", "Gómez", "Nguyen", "O'Brien", "Schäfer", "Patel"]
# Contacts that are not a person (seen: "Post Construction PO Billing"; the .md: "Attn: ...").
CONTACT_TEXTS = ["Post Construction PO Billing", "Attn: Vendor #150017 Ref: AccuMeasure"]
DEPARTMENTS = ["Fuel Equipment", "Maintenance", None]
CREATORS = ["Dana Ortiz", "Sam Whitfield", "Søren Lund", "Aisha Bello"]
TERMS = ["Net 30", "Net 15", "Due on Receipt", "Net 45"]

# (item group, name, code); code None = the site shows no code for it. The first ones are
# the capture's; the Parts codes follow docs/workfossa-site.md ("part numbers like 400MB-10").
ITEMS = [
    ("Meter Calibration", "All Dispensers", "2861"),
    ("Meter Calibration", "Specific Dispenser(s)", "2862"),
    ("Meter Calibration", "Per Dispenser", "3002"),
    ("Meter Calibration", "Filter change", "3006"),
    ("Meter Calibration", "Open Neck Prover (5 gal)", "3146"),
    ("Combo", "7-11 Calibration Services", "CAL-SERV"),
    ("Parts", "CimTek 450-MB 10 Filter", "400MB-10"),
    ("Parts", "Nozzle Boot & Spout Ring", "FE-4410"),
    ("Parts", "Inspection Sticker", None),
]

# Long instructions (over the visible copy's ~192 characters) as on the real site.
LONG_INSTRUCTIONS = [
    "2025 AccuMeasure - Change and date all GAS (Reg, Prem, E-15 and E-Free) filters with CimTek "
    "450-MB 10 , Diesel filters with CimTek 450-MG 10 and E-85 with CimTek 70991 5 micron (5.5 inch) "
    "RETURN CRIND KEYS to the MANAGER",
    "Calibrate all dispensers and change filters. Refer to the filter specification list for the "
    "proper filter. Put calibration Stickers on the inner side of dispenser uprights, take fuel "
    "samples, and take photos. Be sure to upload the photos to the Accumeasure Site Survey in the Vault.",
]
INSTRUCTION_LINES = [
    "post construction - remove screens when changing filters - site opened 7/10/25",
    "Call the manager 30 min before arrival & check in at the register.",
    "Gate code 4471. Do NOT block the <diesel> lane.",
    "Bring 10 micron filters for the DEF dispenser.",
    "Site closes at 22:00; work after 18:00 needs approval.",
]

TIME_WINDOWS = ["anytime", "8:00am - 12:00pm", "12:00pm - 4:00pm", "7:00am - 9:30am"]

# Hostile text, because site text is data (never markup or commands): what the site may send
# and a careless program would execute.
# No NUL, CR, \x1c-\x1f or \x85: the HTML parser drops or rewrites the first two, and the last
# ones count as whitespace in Python but not in JavaScript, which would make "what a correct
# scraper reads" depend on the scraper's language.
LONG_VALUE = "W" * 10_000
HOSTILE_VALUES = [
    "[bold red]x[/bold red]",
    "[/]",
    "[link=http://evil]x[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "\u202eevil\u202c",
    LONG_VALUE,
    '=HYPERLINK("http://evil","x")',
    "+1",
    "-1",
    "@SUM(1)",
]
# Share of orders made hostile with hostile=True (the first order always is).
HOSTILE_SHARE = 0.25

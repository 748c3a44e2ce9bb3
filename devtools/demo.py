"""The demo shop: a believable clothing store to talk to the bot about.

`demo_shop_seed` builds the whole shop from a seed and an anchor day: a catalogue of
apparel, footwear and accessories with reviews, 1,000 customers and 5,000 orders over the
90 days before the anchor, with their payments, shipments and carrier scans, returns,
refunds, discount codes, loyalty points, help-centre articles and the shop's policy.

Everything random comes from one `random.Random(seed)`, and every timestamp is counted
from the anchor, so the same seed and anchor always give the same shop. The shop is first
planned in memory and only then written, in one transaction: planning is cheap, which is
what lets a second run recognise the shop already in the store (same customers, same
order numbers placed at the same moments) and leave it alone.

Demo customers carry the tag `demo`; replacing the demo deletes them and everything the
store holds for them (orders, payments, shipments, returns, refunds, points, and their
conversations), then writes the new plan. Catalogue, articles and discount codes are
upserted by SKU, slug and code, so a product someone subscribed to stays the same row.

The catalogue, articles and other fixed tables live in this module rather than in data
files so the generator reads as one story; the code that uses them starts at "Planning".
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import json
import random
import string
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils.text import slugify

from alerts.services import shipments_watch_refresh
from commerce.models import (
    Article,
    DiscountCode,
    ExceptionKind,
    LoyaltyTransaction,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    Product,
    Refund,
    Return,
    ReturnItem,
    Review,
    Shipment,
    ShipmentStatus,
    ShopPolicy,
    TrackingEvent,
    Variant,
)
from conversations.models import ActionRecord, CannedResponse
from core.models import Customer

DEMO_TAG = "demo"
CUSTOMER_COUNT = 1000
ORDER_COUNT = 5000
FIRST_ORDER_NUMBER = 100001
HISTORY_DAYS = 90
WAREHOUSE = "Northampton, GB"
BATCH_SIZE = 2000
# Any constant will do: it keeps two seeds from running at once on the same database.
_ADVISORY_LOCK_ID = 7_041_962

LONDON = ZoneInfo("Europe/London")
PENNY = Decimal("0.01")


# --------------------------------------------------------------------------------------
# Public interface
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleShopper:
    story: str
    name: str
    email: str
    phone: str
    order_number: str
    postcode: str


@dataclass(frozen=True)
class DemoSummary:
    action: str  # "created", "replaced" or "unchanged"
    seed: int
    anchor: datetime
    counts: dict[str, int]
    order_statuses: dict[str, int]
    exception_kinds: dict[str, int]
    carriers: dict[str, int]
    shipped_last_scans: dict[str, int]
    examples: list[ExampleShopper]
    seconds: float

    def render(self) -> str:
        day = self.anchor.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        headline = {
            "created": "Demo shop created",
            "replaced": "Demo shop replaced",
            "unchanged": "The store already holds this demo shop: nothing to do",
        }[self.action]
        lines = [f"{headline} (seed {self.seed}, anchor {day}) in {self.seconds:.1f}s.", ""]
        width = max(len(k) for k in self.counts)
        lines += [f"  {name.ljust(width)}  {n:>6,}" for name, n in self.counts.items()]
        lines.append("")
        lines.append("  orders by status: " + _join_counts(self.order_statuses))
        lines.append("  shipments by carrier: " + _join_counts(self.carriers))
        last_scans = {k: v for k, v in self.shipped_last_scans.items() if v}
        lines.append("  shipped orders by latest scan: " + _join_counts(last_scans))
        lines.append("  open shipment exceptions: " + _join_counts(self.exception_kinds))
        lines.append("")
        lines.append("Try the chat as one of these shoppers:")
        for shopper in self.examples:
            contact = f"{shopper.name} <{shopper.email}>, {shopper.phone or 'no phone'}"
            lines.append(
                f"  - {shopper.story}: {contact}, "
                f"order {shopper.order_number}, postcode {shopper.postcode}"
            )
        return "\n".join(lines)


def demo_shop_seed(
    *, anchor: datetime | None = None, seed: int = 7, stdout: TextIO | None = None
) -> DemoSummary:
    """Make the store hold the demo shop for this seed and anchor (default: today, 00:00
    UTC), creating it, replacing another demo, or leaving an identical one alone."""
    started = time.perf_counter()
    anchor = _normalise_anchor(anchor)
    _say(stdout, f"Planning the demo shop for seed {seed}, anchor {anchor:%Y-%m-%d %H:%M} UTC…")
    plan = _plan_shop(seed=seed, anchor=anchor)

    if _store_fingerprint() == plan.fingerprint and _store_is_complete(plan):
        return _summary("unchanged", plan, started)

    product_vectors, article_vectors = _embeddings(plan, stdout)

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
        existing = _store_fingerprint()
        if existing == plan.fingerprint and _store_is_complete(plan):
            return _summary("unchanged", plan, started)
        action = "created"
        if existing is not None:
            _say(stdout, "Removing the previous demo shop…")
            _delete_demo_customers()
            action = "replaced"
        _say(stdout, "Writing…")
        _write(plan, product_vectors, article_vectors)
    return _summary(action, plan, started)


SHOPPERS_FILE = "demo-shoppers.json"


def shoppers_save(data_dir: Path, shoppers: list[dict[str, str]]) -> None:
    """Keep the example shoppers the seeder printed, for `manage.py run` to print on every
    start: the seeder picks them while planning the demo, and planning again on a later
    day would plan another demo."""
    (data_dir / SHOPPERS_FILE).write_text(json.dumps(shoppers, indent=2))


def _normalise_anchor(anchor: datetime | None) -> datetime:
    if anchor is None:
        today = datetime.now(UTC)
        return today.replace(hour=0, minute=0, second=0, microsecond=0)
    if anchor.tzinfo is None:
        anchor = anchor.replace(tzinfo=UTC)
    return anchor.astimezone(UTC).replace(microsecond=0)


def _say(stdout: TextIO | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message if message.endswith("\n") else message + "\n")


def _join_counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items()) or "none"


# --------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    prefix: str  # SKU prefix for the kind: TEE, HOO, BOO…
    code: str  # four-letter style code: HARB
    name: str
    category: str
    kind: str
    price: str
    colours: tuple[str, ...]
    sizes: str  # key into SIZE_RUNS
    fit: str  # how it is cut, for the description
    runs: str  # "small", "true" or "large": what reviewers will say
    blurb: str
    material: str
    care: str
    clearance: tuple[str, ...] = ()  # colours sold off as final sale
    clearance_price: str = ""
    notes: tuple[str, ...] = ()  # things reviewers mention about this style
    popularity: float = 1.0


# fmt: off
SIZE_RUNS: dict[str, list[str]] = {
    "tops": ["XS", "S", "M", "L", "XL", "XXL"],
    "waist": ["28", "30", "32", "34", "36", "38"],
    "dress": ["6", "8", "10", "12", "14", "16", "18"],
    "shoes": [f"UK {n}" for n in range(3, 13)],
    "shoes_men": [f"UK {n}" for n in range(6, 13)],
    "shoes_women": [f"UK {n}" for n in range(3, 9)],
    "shoes_hiking": [f"UK {n}" for n in range(4, 13)],
    "belt": ["S", "M", "L", "XL"],
    "gloves": ["S", "M", "L"],
    "socks": ["UK 4–7", "UK 7–11"],
    "one": ["One size"],
}

EU_SHOE_SIZES = {3: 36, 4: 37, 5: 38, 6: 39, 7: 41, 8: 42, 9: 43, 10: 44, 11: 46, 12: 47}
FOOT_LENGTH_CM = {
    3: 22.0, 4: 22.9, 5: 23.7, 6: 24.6, 7: 25.4, 8: 26.2, 9: 27.1, 10: 27.9, 11: 28.8, 12: 29.6,
}

COLOUR_CODES = {
    "black": "BLK", "white": "WHT", "navy": "NVY", "sage": "SGE", "sand": "SND",
    "oatmeal": "OAT", "forest green": "FST", "charcoal": "CHR", "rust": "RST",
    "grey marl": "GML", "ecru": "ECR", "indigo": "IND", "light wash": "LTW",
    "mid wash": "MDW", "stone": "STN", "olive": "OLV", "navy floral": "NFL",
    "rust floral": "RFL", "chambray": "CHM", "yellow": "YEL", "moss": "MOS",
    "cream": "CRM", "burgundy": "BUR", "camel": "CML", "blue": "BLU",
    "red check": "RCK", "green check": "GCK", "grey": "GRY", "brown": "BRN",
    "tan": "TAN", "oxblood": "OXB", "natural": "NAT", "mustard": "MUS",
    "mixed": "MIX", "grey check": "GYC", "floral": "FLO",
}

CARE_COTTON = "Machine wash at 30°C with similar colours. Do not tumble dry. Iron on low."
CARE_DENIM = "Wash inside out at 30°C, sparingly. Line dry. Do not bleach."
CARE_WOOL = "Hand wash cold or dry clean. Dry flat. Do not tumble dry."
CARE_LEATHER = "Wipe clean with a damp cloth. Treat with leather balm every few months."
CARE_SUEDE = "Brush with a suede brush. Protect with suede spray. Keep away from heat."

STYLES: tuple[Style, ...] = (
    # Apparel: tees and sweats
    Style("TEE", "HARB", "Harbour Cotton Tee", "apparel", "t-shirt", "25.00",
          ("black", "white", "navy", "sage"), "tops", "Regular fit, crew neck", "true",
          "Our everyday tee in a soft 180gsm organic cotton jersey that keeps its shape wash after wash.",
          "100% organic cotton", CARE_COTTON, popularity=3.0,
          notes=("Thick enough that the white isn't see-through.", "Neckline hasn't stretched after months of wear.")),
    Style("TEE", "DUNE", "Dune Linen Tee", "apparel", "t-shirt", "35.00",
          ("sand", "white"), "tops", "Relaxed fit, dropped shoulder", "large",
          "A breezy linen-blend tee for warm days, with a slightly boxy cut.",
          "55% linen, 45% cotton", CARE_COTTON, clearance=("sand",), clearance_price="17.50",
          notes=("Creases like linen does, but that's the look.",)),
    Style("TEE", "WHRF", "Wharf Heavyweight Tee", "apparel", "t-shirt", "32.00",
          ("black", "oatmeal", "forest green"), "tops", "Boxy fit, ribbed crew neck", "large",
          "A 240gsm heavyweight tee with a structured, boxy silhouette and a dense ribbed collar.",
          "100% cotton", CARE_COTTON, popularity=1.5,
          notes=("Proper heavyweight cotton, feels premium.",)),
    Style("HOO", "FELL", "Fellside Hoodie", "apparel", "hoodie", "60.00",
          ("charcoal", "navy", "rust"), "tops", "Regular fit, brushed-back fleece", "small",
          "A loopback-lined pullover hoodie with a double-layer hood and a roomy kangaroo pocket.",
          "80% organic cotton, 20% recycled polyester", CARE_COTTON, popularity=2.0,
          notes=("The hood is nice and deep.", "Sleeves are on the short side.")),
    Style("HOO", "MARL", "Marlow Zip Hoodie", "apparel", "zip hoodie", "65.00",
          ("grey marl", "black"), "tops", "Regular fit, full-length metal zip", "true",
          "A zip-through hoodie in midweight fleece with a chunky metal zip and ribbed cuffs.",
          "80% cotton, 20% polyester", CARE_COTTON),
    Style("SWT", "COVE", "Cove Crew Sweatshirt", "apparel", "sweatshirt", "55.00",
          ("ecru", "navy"), "tops", "Relaxed fit, raglan sleeves", "true",
          "A soft crew-neck sweatshirt in garment-dyed fleece with raglan sleeves.",
          "100% organic cotton", CARE_COTTON),
    # Trousers
    Style("JEA", "ASHB", "Ashby Slim Jeans", "apparel", "jeans", "75.00",
          ("indigo", "black", "light wash"), "waist", "Slim fit, mid rise, 32-inch leg", "small",
          "Slim-leg jeans in 12oz stretch denim that softens with wear.",
          "98% cotton, 2% elastane", CARE_DENIM, popularity=2.0,
          notes=("Snug on the thigh.", "The stretch makes them easy to move in.")),
    Style("JEA", "TERN", "Tern Straight Jeans", "apparel", "jeans", "80.00",
          ("indigo", "ecru"), "waist", "Straight fit, mid rise, 32-inch leg", "true",
          "A classic straight leg in rigid 13oz selvedge-look denim that breaks in to fit you.",
          "100% cotton", CARE_DENIM,
          notes=("Stiff at first, brilliant after a few weeks.",)),
    Style("JEA", "HOLL", "Holloway Relaxed Jeans", "apparel", "jeans", "85.00",
          ("mid wash",), "waist", "Relaxed fit, high rise, tapered, 32-inch leg", "large",
          "A roomy, high-rise jean with a tapered leg, washed for a lived-in look.",
          "100% cotton", CARE_DENIM),
    Style("CHI", "KEST", "Kestrel Chinos", "apparel", "chinos", "55.00",
          ("stone", "navy", "olive"), "waist", "Tapered fit, mid rise, 32-inch leg", "true",
          "Smart-casual chinos in a peached cotton twill with a touch of stretch.",
          "97% cotton, 3% elastane", CARE_COTTON, popularity=1.5),
    Style("JOG", "DRFT", "Drift Joggers", "apparel", "joggers", "45.00",
          ("grey", "navy"), "tops", "Tapered fit, elasticated waist with drawcord", "true",
          "Cuffed joggers in brushed-back fleece with deep zip pockets.",
          "80% cotton, 20% polyester", CARE_COTTON),
    Style("SHO", "PEBB", "Pebble Shorts", "apparel", "shorts", "35.00",
          ("stone", "navy"), "tops", "Regular fit, 7-inch inseam", "true",
          "Lightweight cotton shorts with an elasticated back waist and a 7-inch inseam.",
          "100% cotton", CARE_COTTON),
    # Dresses
    Style("DRE", "BRAM", "Bramble Wrap Dress", "apparel", "dress", "75.00",
          ("navy floral", "rust floral"), "dress", "True wrap, midi length, flutter sleeve", "true",
          "A printed wrap dress in fluid viscose with a tie waist and flutter sleeves.",
          "100% LENZING™ ECOVERO™ viscose", "Hand wash cold. Line dry. Cool iron on the reverse.",
          popularity=1.5, notes=("The wrap stays put, no gaping.",)),
    Style("DRE", "LINN", "Linnet Midi Dress", "apparel", "dress", "85.00",
          ("black", "sage"), "dress", "Fitted bodice, A-line midi skirt", "small",
          "A midi dress with a fitted bodice, square neck and a full A-line skirt with pockets.",
          "100% cotton poplin", CARE_COTTON, notes=("It has pockets!", "Bodice is tight across the bust.")),
    Style("DRE", "SALT", "Saltmarsh Shirt Dress", "apparel", "dress", "70.00",
          ("chambray",), "dress", "Relaxed fit, belted, knee length", "large",
          "A relaxed chambray shirt dress with a removable self-tie belt.",
          "100% cotton chambray", CARE_COTTON),
    # Outerwear
    Style("JAC", "LARC", "Larch Waxed Jacket", "apparel", "jacket", "185.00",
          ("olive", "navy"), "tops", "Regular fit, room for a jumper underneath", "true",
          "A waxed-cotton field jacket with a cord collar, tartan lining and four bellows pockets.",
          "100% waxed cotton; lining 100% cotton", "Do not wash. Sponge clean and re-wax once a year.",
          notes=("Smells of wax for the first few weeks.", "Kept me dry on a very wet walk.")),
    Style("JAC", "SKER", "Skerry Rain Jacket", "apparel", "rain jacket", "120.00",
          ("yellow", "black"), "tops", "Regular fit, hip length", "true",
          "A fully waterproof, breathable shell with taped seams, a peaked hood and two-way zip.",
          "100% recycled polyester with PFC-free waterproof membrane",
          "Machine wash at 30°C with technical detergent. Tumble dry low to refresh the finish.",
          clearance=("yellow",), clearance_price="72.00",
          notes=("Genuinely waterproof in a downpour.",)),
    Style("JAC", "RIDG", "Ridge Puffer Jacket", "apparel", "puffer jacket", "160.00",
          ("black", "moss"), "tops", "Regular fit, boxy quilting", "small",
          "A warm, light puffer filled with recycled down, with a high collar and packable hood.",
          "Shell 100% recycled nylon; fill 90% recycled down, 10% feather",
          "Machine wash at 30°C on a gentle cycle. Tumble dry low with dryer balls.",
          notes=("Really warm without the bulk.", "Arms are a little short.")),
    # Knitwear and shirts
    Style("KNI", "ARAN", "Aran Cable Jumper", "apparel", "jumper", "95.00",
          ("cream", "navy"), "tops", "Relaxed fit, chunky cable knit", "large",
          "A chunky cable-knit jumper spun and knitted in Ireland from British wool.",
          "100% British wool", CARE_WOOL, notes=("Very warm — too warm for the office.",)),
    Style("KNI", "THOR", "Thorn Merino Crew", "apparel", "jumper", "75.00",
          ("charcoal", "burgundy", "camel"), "tops", "Slim fit, fine-gauge knit", "small",
          "A fine-gauge extra-fine merino crew that layers neatly under a jacket.",
          "100% extra-fine merino wool", CARE_WOOL, popularity=1.5,
          notes=("Not itchy at all.", "Pilled a little under the arms.")),
    Style("KNI", "WREN", "Wren Cardigan", "apparel", "cardigan", "70.00",
          ("oatmeal", "black"), "tops", "Relaxed fit, V-neck, horn-effect buttons", "true",
          "A soft, slouchy V-neck cardigan in a cotton and wool blend.",
          "70% cotton, 30% wool", CARE_WOOL),
    Style("SHI", "QUAY", "Quay Oxford Shirt", "apparel", "shirt", "50.00",
          ("white", "blue"), "tops", "Regular fit, button-down collar", "true",
          "A button-down Oxford shirt in garment-washed cotton that only gets softer.",
          "100% cotton Oxford cloth", CARE_COTTON, popularity=1.5),
    Style("SHI", "FENL", "Fenland Flannel Shirt", "apparel", "shirt", "55.00",
          ("red check", "green check"), "tops", "Relaxed fit, two chest pockets", "true",
          "A brushed cotton flannel overshirt, warm enough to wear as a light layer.",
          "100% brushed cotton", CARE_COTTON),
    # Footwear
    Style("TRN", "CAMB", "Camber Leather Trainers", "footwear", "trainers", "90.00",
          ("white", "black"), "shoes", "Low-top cupsole, standard width", "true",
          "Minimal low-top trainers in full-grain leather on a stitched rubber cupsole.",
          "Upper full-grain leather; lining leather; sole natural rubber", CARE_LEATHER,
          popularity=2.5, notes=("The white cleans up easily.",)),
    Style("TRN", "STRN", "Strand Runners", "footwear", "running-style trainers", "85.00",
          ("grey", "navy"), "shoes", "Cushioned sole, standard width", "small",
          "Lightweight runners with a recycled knit upper and a cushioned EVA sole.",
          "Upper recycled polyester knit; sole EVA and rubber", "Wipe clean. Do not machine wash.",
          clearance=("grey",), clearance_price="49.00",
          notes=("Great for walking all day.", "Toe box is narrow.")),
    Style("TRN", "TIDE", "Tideway Canvas Plimsolls", "footwear", "plimsolls", "40.00",
          ("white", "navy"), "shoes", "Slim last, vulcanised sole", "large",
          "Classic canvas plimsolls with a vulcanised rubber sole and cotton laces.",
          "Upper cotton canvas; sole natural rubber", "Sponge clean. Air dry away from heat."),
    Style("BOO", "ASHD", "Ashdown Chelsea Boots", "footwear", "chelsea boots", "145.00",
          ("tan", "black"), "shoes_men", "Narrow last, elastic side gussets", "small",
          "Goodyear-welted Chelsea boots in waxy leather on a commando rubber sole.",
          "Upper waxed leather; sole rubber; Goodyear welted", CARE_LEATHER, popularity=1.5,
          notes=("Stiff for the first week, then perfect.", "Pull tabs make them easy to get on.")),
    Style("BOO", "PENN", "Pennine Hiking Boots", "footwear", "hiking boots", "130.00",
          ("brown",), "shoes_hiking", "Standard width, padded ankle", "true",
          "Waterproof hiking boots with a breathable membrane and a grippy lugged sole.",
          "Upper nubuck leather with waterproof membrane; sole Vibram® rubber", CARE_SUEDE,
          notes=("Kept my feet dry through bogs.",)),
    Style("BOO", "HEBD", "Hebden Lace-Up Boots", "footwear", "lace-up boots", "120.00",
          ("black", "oxblood"), "shoes_women", "Standard width, chunky sole", "true",
          "Polished leather lace-up boots with a side zip and a chunky, lightweight sole.",
          "Upper polished leather; sole TPU", CARE_LEATHER),
    Style("SAN", "SOLE", "Solent Leather Sandals", "footwear", "sandals", "55.00",
          ("tan", "black"), "shoes_women", "Adjustable straps, cushioned footbed", "true",
          "Two-strap leather sandals on a contoured cork footbed.",
          "Upper vegetable-tanned leather; footbed cork; sole EVA", CARE_LEATHER),
    Style("SAN", "LUND", "Lundy Sliders", "footwear", "sliders", "30.00",
          ("black", "sand"), "shoes", "Moulded footbed", "large",
          "Soft, moulded sliders for the pool, the beach and the garden.",
          "100% EVA", "Rinse with cool water.", clearance=("black", "sand"), clearance_price="15.00"),
    Style("LOA", "MERC", "Mercer Penny Loafers", "footwear", "loafers", "110.00",
          ("black", "burgundy"), "shoes_men", "Standard width, leather sole", "large",
          "Hand-finished penny loafers in polished calf leather with a Blake-stitched leather sole.",
          "Upper calf leather; sole leather", CARE_LEATHER,
          notes=("Heel slips a bit unless you size down.",)),
    Style("LOA", "IVYS", "Ivy Suede Loafers", "footwear", "loafers", "95.00",
          ("tan",), "shoes_women", "Soft construction, standard width", "true",
          "Soft suede loafers with an unlined, flexible construction.",
          "Upper suede; sole rubber", CARE_SUEDE),
    # Accessories
    Style("TOT", "QUAY", "Quayside Canvas Tote", "accessories", "tote bag", "35.00",
          ("natural", "black"), "one", "One size: 40 × 38 × 12 cm", "true",
          "A heavy canvas tote with leather handles and an inner zip pocket.",
          "100% cotton canvas; leather handles", "Spot clean only.", popularity=1.5),
    Style("BAG", "FOUN", "Foundry Leather Backpack", "accessories", "backpack", "140.00",
          ("black", "tan"), "one", "One size: 20 litres, fits a 15-inch laptop", "true",
          "A roll-top backpack in vegetable-tanned leather with a padded laptop sleeve.",
          "Vegetable-tanned leather; lining recycled polyester", CARE_LEATHER),
    Style("BAG", "FERR", "Ferry Crossbody Bag", "accessories", "crossbody bag", "45.00",
          ("black", "olive"), "one", "One size: adjustable webbing strap", "true",
          "A compact crossbody bag in water-resistant recycled nylon.",
          "100% recycled nylon", "Wipe clean with a damp cloth."),
    Style("BLT", "TANN", "Tanner Leather Belt", "accessories", "belt", "35.00",
          ("brown", "black"), "belt", "S fits waist 28–30, M 32–34, L 36–38, XL 40–42", "true",
          "A 35mm belt cut from a single piece of bridle leather with a solid brass buckle.",
          "Bridle leather; solid brass buckle", CARE_LEATHER),
    Style("CAP", "HARB", "Harbour Baseball Cap", "accessories", "cap", "22.00",
          ("navy", "stone", "black"), "one", "One size, adjustable strap", "true",
          "A six-panel cotton twill cap with an embroidered logo and a brass-buckle strap.",
          "100% cotton twill", "Hand wash cold. Reshape and air dry."),
    Style("HAT", "FELL", "Fell Wool Beanie", "accessories", "beanie", "20.00",
          ("charcoal", "mustard", "navy"), "one", "One size, turn-up cuff", "true",
          "A ribbed beanie knitted from soft lambswool.",
          "100% lambswool", CARE_WOOL, popularity=1.5),
    Style("SCF", "MOOR", "Moorland Lambswool Scarf", "accessories", "scarf", "40.00",
          ("grey check", "red check"), "one", "One size: 180 × 30 cm", "true",
          "A brushed lambswool scarf woven in Scotland, with fringed ends.",
          "100% lambswool", CARE_WOOL),
    Style("SCF", "MEAD", "Meadow Silk Scarf", "accessories", "silk scarf", "45.00",
          ("floral",), "one", "One size: 70 × 70 cm square", "true",
          "A hand-rolled silk square printed with a wildflower design.",
          "100% silk twill", "Dry clean only.", clearance=("floral",), clearance_price="22.00"),
    Style("SOK", "EVRY", "Everyday Socks 3-Pack", "accessories", "socks", "14.00",
          ("black", "mixed"), "socks", "Mid-calf length", "true",
          "Three pairs of soft, reinforced cotton-rich socks.",
          "78% organic cotton, 20% polyamide, 2% elastane", "Machine wash at 40°C.", popularity=2.0),
    Style("SOK", "PEAK", "Peak Merino Hiking Socks", "accessories", "socks", "16.00",
          ("grey",), "socks", "Crew length, cushioned sole", "true",
          "Cushioned merino hiking socks that stay warm when wet.",
          "60% merino wool, 38% polyamide, 2% elastane", "Machine wash at 30°C. Do not tumble dry."),
    Style("WAL", "BURR", "Burrow Card Holder", "accessories", "card holder", "25.00",
          ("black", "tan"), "one", "One size: holds 6 cards", "true",
          "A slim card holder in pebble-grain leather with four slots and a centre pocket.",
          "Pebble-grain leather", CARE_LEATHER),
    Style("GLV", "THIS", "Thistle Leather Gloves", "accessories", "gloves", "45.00",
          ("black",), "gloves", "Fitted, cashmere-blend lining", "small",
          "Soft lambskin gloves lined in a cashmere blend, with touchscreen fingertips.",
          "Lambskin leather; lining 90% wool, 10% cashmere", CARE_LEATHER),
)
# fmt: on


def _size_code(size: str) -> str:
    if size == "One size":
        return "OS"
    return size.replace("UK ", "").replace("–", "-")


def _variant_options(colour: str, size: str) -> dict[str, str]:
    options = {"colour": colour, "size": size}
    if size.startswith("UK ") and "–" not in size:
        options["eu_size"] = str(EU_SHOE_SIZES[int(size[3:])])
    return options


def _product_description(style: Style) -> str:
    runs = {
        "small": "It runs small: we suggest ordering one size up.",
        "large": "It runs large: if you're between sizes, size down.",
        "true": "It's true to size: order your usual size.",
    }[style.runs]
    if style.sizes in {"one"}:
        runs = ""
    parts = [
        style.blurb,
        f"Fit: {style.fit}. {runs}".strip(),
        f"Material: {style.material}.",
        f"Care: {style.care}",
    ]
    return "\n\n".join(parts)


# --------------------------------------------------------------------------------------
# People and places
# --------------------------------------------------------------------------------------

# fmt: off
UK_FIRST = [
    "Oliver", "George", "Harry", "Jack", "Noah", "Leo", "Arthur", "Oscar", "Charlie", "Jacob",
    "Thomas", "Henry", "William", "James", "Alfie", "Freddie", "Theo", "Archie", "Joshua",
    "Samuel", "Daniel", "Ethan", "Isaac", "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily",
    "Isabella", "Rosie", "Sophia", "Grace", "Freya", "Evie", "Poppy", "Ella", "Florence", "Emily",
    "Charlotte", "Hannah", "Chloe", "Jessica", "Lucy", "Megan", "Sophie", "Priya", "Aisha", "Zara",
    "Amir", "Rohan", "Ananya", "Kwame", "Chidi", "Siobhan", "Niamh", "Ciara", "Callum", "Rhys",
    "Cerys", "Eilidh", "Fraser", "Ewan", "Imogen", "Harriet", "Maya", "Yusuf", "Ibrahim", "Tomos",
]
UK_LAST = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
    "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell",
    "Rose", "Cox", "Morgan", "Hughes", "Edwards", "Hill", "Moore", "Clark", "Harrison", "Scott",
    "Young", "Morris", "Ward", "Turner", "Carter", "Cooper", "Shah", "Ahmed", "Begum", "Okafor",
    "Mensah", "MacDonald", "Campbell", "Stewart", "Murphy", "O'Brien", "Kelly", "Byrne",
    "Fitzgerald", "Chen", "Wong", "Nguyen", "Bennett", "Price", "Lloyd", "Fletcher", "Hussain",
    "Ali", "Singh", "Kaur", "Reid", "Fraser", "Gallagher", "Parry", "Pritchard", "Sutherland",
]
EU_FIRST = [
    "Lukas", "Sofia", "Mateo", "Elena", "Luca", "Giulia", "Marco", "Chiara", "Pierre", "Camille",
    "Léa", "Hugo", "Chloé", "Jan", "Anna", "Sven", "Ingrid", "Lars", "Freja", "Javier", "Lucía",
    "Carmen", "Pablo", "Matteo", "Francesca", "Emma", "Anouk", "Daan", "Sanne", "Tomasz", "Zofia",
    "Katarzyna", "Piotr", "Inès", "Théo", "Klara", "Felix", "Lena", "Jonas", "Sara", "Joana",
    "Nikos", "Eleni",
]
EU_LAST = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Rossi", "Russo", "Bianchi", "Ferrari",
    "Martin", "Bernard", "Dubois", "Moreau", "Laurent", "García", "Martínez", "López", "Fernández",
    "de Vries", "Jansen", "van Dijk", "Bakker", "Kowalski", "Nowak", "Andersson", "Johansson",
    "Nielsen", "Hansen", "Costa", "Silva", "Santos", "Papadopoulos", "Novák", "Horvat",
]
US_FIRST = [
    "Madison", "Tyler", "Brandon", "Ashley", "Kayla", "Jordan", "Austin", "Brianna", "Hunter",
    "Savannah", "Logan", "Mason", "Avery", "Harper", "Elijah", "Jayden", "Aaliyah", "DeShawn",
    "Jasmine", "Carlos", "Maria", "Wyatt", "Caleb", "Taylor", "Dakota", "Cody",
]
US_LAST = [
    "Johnson", "Miller", "Davis", "Garcia", "Rodriguez", "Martinez", "Anderson", "Thomas",
    "Jackson", "Lee", "Harris", "Clark", "Lewis", "Walker", "Hernandez", "King", "Wright", "Lopez",
    "Hill", "Nguyen", "Kim", "Washington", "Sullivan", "Reyes", "O'Connor",
]

# (outward code, town, the sorting hub carriers route it through)
UK_AREAS: tuple[tuple[str, str, str], ...] = (
    ("SW1A", "London", "London"), ("SE15", "London", "London"), ("N16", "London", "London"),
    ("E8", "London", "London"), ("NW5", "London", "London"), ("W12", "London", "London"),
    ("SW11", "London", "London"), ("E17", "London", "London"), ("SE22", "London", "London"),
    ("N7", "London", "London"), ("M14", "Manchester", "Manchester"),
    ("M20", "Manchester", "Manchester"), ("B13", "Birmingham", "Birmingham"),
    ("B29", "Birmingham", "Birmingham"), ("LS6", "Leeds", "Leeds"), ("S11", "Sheffield", "Sheffield"),
    ("L17", "Liverpool", "Liverpool"), ("NE6", "Newcastle upon Tyne", "Newcastle"),
    ("BS6", "Bristol", "Bristol"), ("BS3", "Bristol", "Bristol"), ("NG7", "Nottingham", "Nottingham"),
    ("LE2", "Leicester", "Leicester"), ("CV5", "Coventry", "Coventry"), ("CF24", "Cardiff", "Cardiff"),
    ("SA1", "Swansea", "Swansea"), ("EH9", "Edinburgh", "Edinburgh"), ("G12", "Glasgow", "Glasgow"),
    ("AB10", "Aberdeen", "Aberdeen"), ("DD1", "Dundee", "Dundee"), ("BT9", "Belfast", "Belfast"),
    ("OX4", "Oxford", "Oxford"), ("CB1", "Cambridge", "Cambridge"), ("BN2", "Brighton", "Brighton"),
    ("PO5", "Portsmouth", "Portsmouth"), ("SO17", "Southampton", "Southampton"),
    ("EX4", "Exeter", "Exeter"), ("PL4", "Plymouth", "Plymouth"), ("BA2", "Bath", "Bristol"),
    ("YO31", "York", "York"), ("HU5", "Hull", "Hull"), ("NR2", "Norwich", "Norwich"),
    ("IP4", "Ipswich", "Ipswich"), ("MK9", "Milton Keynes", "Milton Keynes"),
    ("NN1", "Northampton", "Northampton"), ("RG1", "Reading", "Reading"),
    ("GU1", "Guildford", "Guildford"), ("TN1", "Tunbridge Wells", "Tonbridge"),
    ("CT1", "Canterbury", "Canterbury"), ("DE22", "Derby", "Derby"),
    ("ST4", "Stoke-on-Trent", "Stoke"), ("WV1", "Wolverhampton", "Wolverhampton"),
    ("PR1", "Preston", "Preston"), ("LA1", "Lancaster", "Preston"), ("CA1", "Carlisle", "Carlisle"),
    ("IV2", "Inverness", "Inverness"), ("KY16", "St Andrews", "Dundee"), ("LL57", "Bangor", "Chester"),
    ("HR1", "Hereford", "Worcester"), ("GL50", "Cheltenham", "Gloucester"),
    ("SN1", "Swindon", "Swindon"), ("BH1", "Bournemouth", "Bournemouth"), ("TR1", "Truro", "Plymouth"),
    ("HG1", "Harrogate", "Leeds"), ("DH1", "Durham", "Durham"), ("SR2", "Sunderland", "Sunderland"),
    ("WR1", "Worcester", "Worcester"), ("CH1", "Chester", "Chester"), ("SK4", "Stockport", "Manchester"),
    ("BD7", "Bradford", "Bradford"), ("HD1", "Huddersfield", "Huddersfield"),
)
UK_STREETS = (
    "Harbour Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Avenue",
    "Queen's Road", "King Street", "Albert Street", "Grove Road", "Windsor Terrace", "Mariners Way",
    "Orchard Close", "Chapel Street", "Highfield Road", "Elm Grove", "Beech Avenue",
    "St John's Road", "Manor Road", "The Crescent", "Clarence Street", "Alexandra Road",
    "Moorland View", "Riverside Walk", "Cedar Drive", "Priory Lane", "Tennyson Road",
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# (country, city, postcode or routing key, street template, time zone)
ABROAD: dict[str, tuple[tuple[str, str, tuple[str, ...], str], ...]] = {
    "IE": (
        ("Dublin", "D04", ("Harcourt Street", "Baggot Street Upper", "Leeson Park"), "Europe/Dublin"),
        ("Dublin", "D08", ("Thomas Street", "Oxmantown Road"), "Europe/Dublin"),
        ("Cork", "T12", ("Oliver Plunkett Street", "Douglas Road"), "Europe/Dublin"),
        ("Galway", "H91", ("Shop Street", "Newcastle Road"), "Europe/Dublin"),
    ),
    "FR": (
        ("Paris", "75011", ("Rue de la Roquette", "Rue Oberkampf"), "Europe/Paris"),
        ("Lyon", "69003", ("Rue Paul Bert", "Cours Gambetta"), "Europe/Paris"),
        ("Bordeaux", "33000", ("Rue Sainte-Catherine",), "Europe/Paris"),
    ),
    "DE": (
        ("Berlin", "10435", ("Kastanienallee", "Oderberger Straße"), "Europe/Berlin"),
        ("Hamburg", "20357", ("Schanzenstraße",), "Europe/Berlin"),
        ("München", "80469", ("Müllerstraße", "Fraunhoferstraße"), "Europe/Berlin"),
    ),
    "NL": (
        ("Amsterdam", "1015", ("Prinsengracht", "Westerstraat"), "Europe/Amsterdam"),
        ("Utrecht", "3511", ("Oudegracht",), "Europe/Amsterdam"),
    ),
    "US": (
        ("Brooklyn, NY", "11211", ("Bedford Avenue", "Grand Street"), "America/New_York"),
        ("New York, NY", "10014", ("Bleecker Street", "Hudson Street"), "America/New_York"),
        ("Boston, MA", "02116", ("Newbury Street", "Marlborough Street"), "America/New_York"),
        ("Chicago, IL", "60614", ("North Halsted Street", "West Armitage Avenue"), "America/Chicago"),
        ("Austin, TX", "78704", ("South Congress Avenue",), "America/Chicago"),
        ("San Francisco, CA", "94110", ("Valencia Street", "Guerrero Street"), "America/Los_Angeles"),
        ("Seattle, WA", "98103", ("Stone Way North", "Fremont Avenue North"), "America/Los_Angeles"),
    ),
}
US_AREA_CODES = ("212", "617", "312", "512", "415", "206", "718")
EMAIL_DOMAINS = ("example.com", "example.com", "example.com", "example.org", "example.net")
# fmt: on


# --------------------------------------------------------------------------------------
# Shipping: services, carriers and their scans
# --------------------------------------------------------------------------------------

# fmt: off
# What delivery costs, when it becomes free, and how many days after dispatch we promise.
SHIPPING = {
    ("GB", "standard"): (Decimal("3.95"), Decimal(50), 3),
    ("GB", "express"): (Decimal("6.95"), None, 2),
    ("IE", "standard"): (Decimal("7.95"), Decimal(100), 4),
    ("EU", "standard"): (Decimal("9.95"), Decimal(120), 4),
    ("US", "standard"): (Decimal("14.95"), Decimal(200), 5),
}

CARRIER_CODES: dict[str, dict[str, str]] = {
    "royal_mail": {
        "label": "RM-L1", "collected": "RM-A1", "local": "RM-T3", "ofd": "RM-O1",
        "delivered": "RM-D1", "failed": "RM-F1", "rts": "RM-R1", "resumed": "RM-T4",
        "address_issue": "RM-X1", "weather_delay": "RM-X2", "customs_hold": "RM-X3",
        "damaged": "RM-X4", "lost": "RM-X5", "held_at_depot": "RM-X6", "carrier_delay": "RM-X7",
    },
    "evri": {
        "label": "EVR-01", "collected": "EVR-10", "local": "EVR-30", "ofd": "EVR-40",
        "delivered": "EVR-50", "failed": "EVR-45", "rts": "EVR-60", "resumed": "EVR-35",
        "address_issue": "EVR-E1", "weather_delay": "EVR-E2", "customs_hold": "EVR-E3",
        "damaged": "EVR-E4", "lost": "EVR-E5", "held_at_depot": "EVR-E6", "carrier_delay": "EVR-E7",
    },
    "dpd": {
        "label": "DPD-01", "collected": "DPD-03", "local": "DPD-07", "ofd": "DPD-09",
        "delivered": "DPD-13", "failed": "DPD-14", "rts": "DPD-30", "resumed": "DPD-08",
        "address_issue": "DPD-21", "weather_delay": "DPD-22", "customs_hold": "DPD-23",
        "damaged": "DPD-24", "lost": "DPD-25", "held_at_depot": "DPD-26", "carrier_delay": "DPD-27",
    },
    "ups": {
        "label": "UPS-MP", "collected": "UPS-OR", "local": "UPS-AR", "ofd": "UPS-OT",
        "delivered": "UPS-KB", "failed": "UPS-NA", "rts": "UPS-RS", "resumed": "UPS-DP",
        "address_issue": "UPS-BA", "weather_delay": "UPS-WX", "customs_hold": "UPS-CH",
        "damaged": "UPS-DM", "lost": "UPS-LS", "held_at_depot": "UPS-HD", "carrier_delay": "UPS-DL",
    },
    "dhl": {
        "label": "DHL-LC", "collected": "DHL-PU", "local": "DHL-AR", "ofd": "DHL-WC",
        "delivered": "DHL-OK", "failed": "DHL-NH", "rts": "DHL-RT", "resumed": "DHL-DF",
        "address_issue": "DHL-BA", "weather_delay": "DHL-WX", "customs_hold": "DHL-OH",
        "damaged": "DHL-DM", "lost": "DHL-LS", "held_at_depot": "DHL-HP", "carrier_delay": "DHL-DL",
    },
}

LABEL_DETAIL = {
    "royal_mail": "Label created: Royal Mail Tracked 48. We're expecting your item.",
    "evri": "Label created. We're waiting for the parcel from the sender.",
    "dpd": "Your order has been packed and the label created.",
    "ups": "Shipper created a label; UPS has not received the package yet.",
    "dhl": "Shipment information received.",
}
COLLECTED = {
    "royal_mail": ("Northampton Mail Centre", "Item received."),
    "evri": ("Northampton Depot", "We've collected your parcel from the sender."),
    "dpd": ("Northampton Depot", "Collected from the sender."),
    "ups": ("Northampton, GB", "Origin scan."),
    "dhl": ("Northampton, GB", "Shipment picked up."),
}

# Each hop: (stage, carrier code, location, detail). "customs" hops are where an import
# is cleared, and where a customs hold happens instead.
HUBS: dict[tuple[str, str], tuple[tuple[str, str, str, str], ...]] = {
    ("royal_mail", "GB"): (
        ("hub", "RM-T1", "Daventry National Distribution Centre", "Item in transit."),
        ("hub", "RM-T2", "{hub} Mail Centre", "Arrived at mail centre."),
    ),
    ("evri", "GB"): (
        ("hub", "EVR-20", "Barton Hub", "At our national hub."),
        ("hub", "EVR-25", "Coventry Hub", "Sorted for your local depot."),
    ),
    ("dpd", "GB"): (("hub", "DPD-05", "Hinckley Hub", "At the DPD hub."),),
    ("dpd", "IE"): (
        ("hub", "DPD-05", "Hinckley Hub", "At the DPD hub."),
        ("customs", "DPD-06", "Athlone Hub, IE", "Arrived at the DPD Ireland hub; cleared customs."),
    ),
    ("ups", "GB"): (("hub", "UPS-DP", "Tamworth, GB", "Departed from facility."),),
    ("ups", "EU"): (
        ("hub", "UPS-DP", "Tamworth, GB", "Departed from facility."),
        ("hub", "UPS-AR", "Cologne, DE", "Arrived at facility."),
        ("customs", "UPS-CR", "Cologne, DE", "Import scan: customs clearance completed."),
    ),
    ("ups", "US"): (
        ("hub", "UPS-DP", "Tamworth, GB", "Departed from facility."),
        ("hub", "UPS-EX", "Stansted, GB", "Export scan."),
        ("hub", "UPS-AR", "Louisville, KY, US", "Arrived at facility."),
        ("customs", "UPS-CR", "Louisville, KY, US", "Import scan: customs clearance completed."),
    ),
    ("dhl", "IE"): (
        ("hub", "DHL-PL", "East Midlands Hub, GB", "Processed at East Midlands, UK."),
        ("hub", "DHL-AF", "Dublin, IE", "Arrived at DHL sort facility."),
        ("customs", "DHL-CR", "Dublin, IE", "Customs clearance completed."),
    ),
    ("dhl", "EU"): (
        ("hub", "DHL-PL", "East Midlands Hub, GB", "Processed at East Midlands, UK."),
        ("hub", "DHL-AF", "Leipzig, DE", "Arrived at DHL sort facility Leipzig."),
        ("customs", "DHL-CR", "Leipzig, DE", "Customs clearance completed."),
        ("hub", "DHL-DF", "Leipzig, DE", "Departed facility."),
    ),
    ("dhl", "US"): (
        ("hub", "DHL-PL", "East Midlands Hub, GB", "Processed at East Midlands, UK."),
        ("hub", "DHL-AF", "Cincinnati Hub, KY, US", "Arrived at DHL sort facility."),
        ("customs", "DHL-CR", "Cincinnati Hub, KY, US", "Customs clearance completed."),
    ),
}
LOCAL = {
    "royal_mail": ("{city} Delivery Office", "Arrived at your local delivery office."),
    "evri": ("{hub} Depot", "At your local depot."),
    "dpd": ("{hub} Depot", "At your local depot."),
    "ups": ("{hub}, {cc}", "Arrived at the delivery facility."),
    "dhl": ("{hub}, {cc}", "Arrived at the delivery facility."),
}
FAILED_DETAIL = {
    "royal_mail": "We tried to deliver but no one was available. A 'Something for You' card "
    "was left and we'll try again next working day.",
    "evri": "We couldn't deliver today as no one was in. We'll try again next working day.",
    "dpd": "Unable to deliver: no one was home. We'll try again next working day.",
    "ups": "The receiver was not available. A second attempt will be made the next business day.",
    "dhl": "Recipient not at home. Delivery will be attempted again.",
}
EXCEPTION_DETAIL = {
    "address_issue": (
        "Address incomplete: the flat or house number is missing. Please contact the sender.",
        "We couldn't find the delivery address. Please check the address with the sender.",
    ),
    "weather_delay": (
        "Delayed by severe weather affecting our network. We'll deliver as soon as it's safe.",
        "Severe weather has closed roads in the area; deliveries are paused.",
    ),
    "customs_hold": (
        "Held by customs awaiting clearance. The carrier may contact the receiver for details.",
        "Held at customs: import documents are being reviewed.",
    ),
    "damaged": (
        "Parcel damaged in transit; being assessed at the depot.",
        "Packaging damaged in our network. The contents are being checked.",
    ),
    "lost": (
        "We're sorry: we can't locate this parcel in our network. The sender has been told.",
        "Parcel missing after a search of the network. The sender has been told.",
    ),
    "held_at_depot": (
        ("Held at {place} after a missed delivery. Ready to collect with photo ID, or rearrange "
        "delivery online."),
        "Held at {place}: the parcel couldn't be delivered and is waiting for you.",
    ),
    "carrier_delay": (
        "Delayed in our network due to high volumes. It should be with you in 1–2 working days.",
        "Running late: this parcel missed its connection and is on the next one.",
    ),
}
RESOLVED_DETAIL = {
    "address_issue": "Address confirmed with the recipient. Back on its way.",
    "weather_delay": "Weather has cleared. Back on its way.",
    "carrier_delay": "Back on schedule.",
    "damaged": "Repackaged at the depot. Back on its way.",
    "held_at_depot": "Redelivery arranged.",
}
DELIVERED_DETAIL = (
    "Delivered to front door.", "Left with neighbour at {n}.", "Left in safe place: porch.",
    "Signed for by {surname}.", "Handed to resident.", "Left in safe place: behind the side gate.",
    "Delivered to reception.", "Delivered to front door (photo taken).",
)
# fmt: on


# --------------------------------------------------------------------------------------
# Promotions, policy and the help centre
# --------------------------------------------------------------------------------------

# fmt: off
_DISCOUNT_CODES: tuple[dict[str, Any], ...] = (
    {"code": "WELCOME10", "kind": "percent", "value": "10", "times_used": 412,
     "description": "10% off your first order when you join our newsletter."},
    {"code": "SAVE20", "kind": "fixed", "value": "20", "min_order_total": "100", "times_used": 156,
     "description": "£20 off orders of £100 or more."},
    {"code": "SUMMER25", "kind": "percent", "value": "25", "from_days": -150, "until_days": -40,
     "times_used": 873, "description": "25% off the summer collection (ended)."},
    {"code": "FREESHIP", "kind": "free_shipping", "value": "0", "min_order_total": "30",
     "times_used": 301, "description": "Free standard UK delivery on orders of £30 or more."},
    {"code": "VIP15", "kind": "percent", "value": "15", "times_used": 64,
     "description": "15% off for VIP members, any time."},
    {"code": "FLASH50", "kind": "percent", "value": "50", "from_days": -20, "until_days": 10,
     "usage_limit": 100, "times_used": 100,
     "description": "50% off for the first 100 shoppers in our flash sale (all used)."},
    {"code": "TAKE15", "kind": "percent", "value": "15", "excludes_sale_items": True,
     "times_used": 97, "description": "15% off full-price items; not valid on Final Sale items."},
    {"code": "BOOTS20", "kind": "percent", "value": "20", "category": "footwear", "until_days": 30,
     "times_used": 45, "description": "20% off all footwear."},
    {"code": "EARLYACCESS", "kind": "percent", "value": "20", "from_days": 14, "until_days": 21,
     "times_used": 0, "description": "20% off during our winter sale preview (starts soon)."},
    {"code": "STAFF40", "kind": "percent", "value": "40", "active": False, "times_used": 38,
     "description": "Staff discount (withdrawn)."},
)
# fmt: on


@dataclass(frozen=True)
class ArticleSpec:
    slug: str
    title: str
    topic: str
    body: str
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


# The shop's own translations of its password article: a shopper writing in one of these
# languages is answered from it (the other articles are quoted in English, said to be so).
_PASSWORD_RESET_TRANSLATIONS = {
    "es": {"title": "Restablecer la contraseña y acceder a tu cuenta",
           "body": "Para restablecer tu contraseña, ve a Iniciar sesión y elige \"¿Has olvidado "
                   "tu contraseña?\". Escribe el correo de tu cuenta y te enviaremos un enlace "
                   "que funciona durante 60 minutos. Si no llega en 10 minutos, mira en la "
                   "carpeta de spam o de promociones y vuelve a intentarlo. Nunca te pedimos la "
                   "contraseña, y nuestro equipo no puede verla ni ponerte una."},
    "de": {"title": "Passwort zurücksetzen und Zugang zum Konto",
           "body": "Um Ihr Passwort zurückzusetzen, gehen Sie auf Anmelden und wählen Sie "
                   "\"Passwort vergessen?\". Geben Sie die E-Mail-Adresse Ihres Kontos ein, und "
                   "wir senden Ihnen einen Link, der 60 Minuten gültig ist. Kommt er nicht "
                   "innerhalb von 10 Minuten, sehen Sie im Spam- oder Werbeordner nach und "
                   "versuchen Sie es erneut. Wir fragen nie nach Ihrem Passwort, und unser Team "
                   "kann es weder sehen noch für Sie festlegen."},
    "fr": {"title": "Réinitialiser votre mot de passe et accéder à votre compte",
           "body": "Pour réinitialiser votre mot de passe, allez sur Se connecter et choisissez "
                   "« Mot de passe oublié ? ». Saisissez l'adresse e-mail de votre compte et "
                   "nous vous enverrons un lien valable 60 minutes. S'il n'arrive pas dans les "
                   "10 minutes, regardez dans vos spams ou promotions, puis réessayez. Nous ne "
                   "vous demandons jamais votre mot de passe, et notre équipe ne peut ni le voir "
                   "ni en choisir un pour vous."},
    "it": {"title": "Reimpostare la password e accedere all'account",
           "body": "Per reimpostare la password, vai su Accedi e scegli \"Password "
                   "dimenticata?\". Inserisci l'email del tuo account e ti invieremo un link "
                   "valido per 60 minuti. Se non arriva entro 10 minuti, controlla la cartella "
                   "spam o promozioni e riprova. Non ti chiediamo mai la password, e il nostro "
                   "team non può vederla né impostarla per te."},
    "pt": {"title": "Repor a palavra-passe e aceder à conta",
           "body": "Para repor a sua palavra-passe, vá a Iniciar sessão e escolha \"Esqueceu-se "
                   "da palavra-passe?\". Introduza o email da sua conta e enviamos-lhe uma "
                   "ligação válida durante 60 minutos. Se não chegar em 10 minutos, veja a "
                   "pasta de spam ou de promoções e tente de novo. Nunca lhe pedimos a "
                   "palavra-passe, e a nossa equipa não a pode ver nem definir por si."},
    "nl": {"title": "Je wachtwoord opnieuw instellen en toegang tot je account",
           "body": "Om je wachtwoord opnieuw in te stellen, ga je naar Inloggen en kies je "
                   "\"Wachtwoord vergeten?\". Vul het e-mailadres van je account in en we "
                   "sturen je een link die 60 minuten geldig is. Komt die niet binnen 10 "
                   "minuten, kijk dan in je spam- of promotiemap en probeer het opnieuw. We "
                   "vragen nooit om je wachtwoord, en ons team kan het niet zien of voor je "
                   "instellen."},
}


def _articles() -> list[ArticleSpec]:
    return [
        ArticleSpec(
            "delivery-options-and-costs",
            "UK delivery options, times and costs",
            "shipping",
            """\
We dispatch from our warehouse in Northampton. Orders placed before 1pm on a working day (Monday to Friday) leave the same day; orders placed after 1pm, at weekends or on bank holidays leave the next working day.

UK delivery options:
- Standard Delivery (Royal Mail Tracked 48 or Evri): 2–3 working days after dispatch. £3.95, free on orders of £50 or more.
- Express Delivery (DPD or UPS): 1–2 working days after dispatch, usually the next working day. £6.95. DPD sends a one-hour delivery window on the morning of delivery.

Delivery times for the Scottish Highlands and Islands, Northern Ireland, the Isle of Man and the Channel Islands can be a day longer.

When your order ships, we email you the carrier and tracking number, and the date we expect it to arrive by. You can also ask us in the chat at any time where your order is.""",
        ),
        ArticleSpec(
            "international-delivery",
            "International delivery: Ireland, Europe and the US",
            "shipping",
            """\
We ship to Ireland, the EU and the United States from our UK warehouse.

- Ireland (DPD or DHL): 3–4 working days after dispatch. £7.95, free on orders of £100 or more.
- EU (DHL or UPS): 3–4 working days after dispatch. £9.95, free on orders of £120 or more.
- United States (UPS or DHL Express): 4–5 working days after dispatch. £14.95, free on orders of £200 or more.

Customs: for Ireland and the EU we pay import VAT and duties before your parcel leaves the UK, so there is nothing more to pay on delivery. For the US, any import duties or taxes are collected by the carrier on delivery and are not included in our prices.

Now and then customs hold a parcel for checks. Most holds clear within 1–3 working days. If the carrier asks you for information or payment, reply to them directly; if the hold lasts longer than 5 working days, contact us and we'll chase it.""",
        ),
        ArticleSpec(
            "tracking-and-delivery-problems",
            "Tracking, late parcels and delivery problems",
            "shipping",
            """\
Your tracking shows each scan the carrier makes: label created (we've packed it), in transit (it's moving between the carrier's hubs), out for delivery, and delivered.

Common situations:
- Label created but no movement for a day: the carrier collects from us in the evening, so the first scan can appear the next morning.
- No new scans for a few days: parcels are not scanned at every step. If there's been no scan for 4 working days, contact us and we'll open a trace with the carrier.
- Missed delivery: the carrier tries again the next working day, or leaves the parcel at a local depot or Post Office for you to collect with photo ID.
- Address problem: if the carrier can't find the address, tell us the correct one and we'll pass it on.
- Marked as delivered but not received: check with neighbours and any safe place. If it still hasn't turned up after 24 hours, contact us.
- Lost: if the carrier confirms a parcel is lost, we send a replacement or refund you in full, whichever you prefer. Higher-value orders are checked by our team first.
- Damaged: if your parcel arrives damaged, send us a photo and we'll send a replacement or refund you.

If an order arrives after the date we promised, let us know: we'll apologise properly, usually with a 10% refund on the order.""",
        ),
        ArticleSpec(
            "changing-or-cancelling-an-order",
            "Changing or cancelling an order",
            "account",
            """\
While your order is processing (paid but not yet handed to a carrier), we can still change the delivery address, swap a size or colour, or cancel it. Ask us in the chat with your order number, and we'll do it straight away.

Once an order has shipped it can't be cancelled or changed. You can refuse the delivery or return it for free within 30 days of delivery (see "How to return an item"). DPD and UPS let you redirect a parcel to a neighbour, a pickup point or another day using the link in their tracking email.

If we cancel an order because an item sold out before we could pack it, we refund you in full automatically.""",
        ),
        ArticleSpec(
            "how-to-return-an-item",
            "How to return an item",
            "returns",
            """\
You have 30 days from the day your order is delivered to start a return. Items must be unworn and unwashed, with their tags attached. Footwear should be tried on indoors only, and returned in its box.

To start a return, ask us in the chat or use the returns page with your order number and email address or postcode. Tell us which items you're sending back and whether you'd like a refund, an exchange for a different size or colour, or store credit.

Returns are free. From the UK we send you a prepaid Royal Mail or Evri label (or a QR code to show at the drop-off point, so there's nothing to print). From Ireland, the EU and the US we send a prepaid DHL or UPS label.

Pack the items securely, attach the label and drop the parcel off. Keep your proof of postage until your refund arrives. For a few low-value items we may refund you without needing the item back; we'll tell you when that's the case.

Faulty or damaged items can always be returned, even outside the 30 days; send us a photo and we'll sort it out.""",
        ),
        ArticleSpec(
            "return-window-and-final-sale",
            "The 30-day return window and Final Sale items",
            "returns",
            """\
Our return window is 30 days from delivery. If you're a day or two late, ask anyway: we look at every request individually, but returns outside the window aren't guaranteed.

Final Sale items can't be returned or exchanged. These are clearance pieces, marked "Final Sale" on the product page, at checkout and in your order confirmation. This doesn't affect your statutory rights: if a Final Sale item is faulty, we'll repair, replace or refund it.

Discount codes and loyalty points used on an order don't change your right to return it. If you return part of an order bought with a code, we refund what you actually paid for the items you send back.""",
        ),
        ArticleSpec(
            "exchanges",
            "Exchanging for a different size or colour",
            "returns",
            """\
Exchanges are free, within 30 days of delivery, for a different size or colour of the same item.

Start an exchange in the chat or on the returns page, choosing the size or colour you'd like. We reserve it for you straight away and send it by free standard delivery as soon as your return is scanned at our warehouse, usually 2–4 working days after you post it.

If the size you want is out of stock, we'll refund you instead, or you can sign up for a back-in-stock alert and we'll message you when it's back. To change to a different product, return the item for a refund and place a new order.

Final Sale items can't be exchanged.""",
        ),
        ArticleSpec(
            "refund-timings",
            "When will I get my refund?",
            "returns",
            """\
We process returns within 2 working days of them arriving at our warehouse, and email you when we do. Parcels usually take 2–4 working days to reach us after you post them.

How long the money takes after we receive your return:
- Card (Visa, Mastercard, American Express): 3–5 working days after we receive it. It appears as a credit from us on your statement.
- Apple Pay and Google Pay: as card, 3–5 working days, back to the card behind your wallet.
- PayPal: 1–2 working days after we receive it, to your PayPal balance or the card you paid with.
- Store credit: instantly, as soon as we process the return. Store credit never expires.

If you return your whole order within 14 days of delivery, we also refund the standard delivery charge. Express delivery upgrades are not refunded unless the item was faulty.

Refunds for cancelled orders go back within 3–5 working days. If it's been longer than this, contact us with your order number and we'll check with our payment provider.""",
        ),
        ArticleSpec("apparel-size-guide", "Apparel size guide", "sizing", _apparel_size_guide()),
        ArticleSpec(
            "footwear-size-guide",
            "Footwear size guide (UK, EU and US sizes)",
            "sizing",
            _footwear_size_guide(),
        ),
        ArticleSpec(
            "discount-codes",
            "How discount codes work",
            "promotions",
            """\
Enter a discount code in the "Discount code" box at checkout, and the saving is shown before you pay. One code can be used per order.

Things to know:
- Each code has its own terms: a minimum spend, an end date, a usage limit, or a category (for example, footwear only). The terms are shown when you enter the code.
- Some codes exclude Final Sale items; the code then applies to the full-price items in your basket only.
- Codes can't be added to an order after it has been placed, exchanged for cash, or combined with another code.
- WELCOME10 gives 10% off your first order when you join our newsletter.
- VIP members get a standing 15% code, VIP15.

If a code isn't working, check its end date and minimum spend, and that your basket contains eligible items. Send us the code and we'll tell you why.""",
        ),
        ArticleSpec(
            "rewards-points",
            "Rewards points: earning and spending",
            "promotions",
            """\
Every customer with an account is a member of our rewards programme.

- Join: 100 welcome points.
- Earn: 1 point for every £1 you spend on items (delivery isn't included). Points appear when your order is dispatched.
- Spend: every 500 points can be turned into a £5 reward voucher in your account, to use at checkout.
- Returns: points earned on items you return are taken back when the refund is made.
- Expiry: points expire after 12 months with no purchases.

VIP: our most loyal customers are invited to become VIP members, with the VIP15 code, early access to sales and priority support. You can ask us in the chat for your points balance at any time.""",
        ),
        ArticleSpec(
            "password-reset",
            "Resetting your password and account access",
            "account",
            """\
To reset your password, go to Sign in and choose "Forgot your password?". Enter the email address on your account and we'll send a reset link that works for 60 minutes. If it doesn't arrive within 10 minutes, check your spam or promotions folder, then try again.

We never ask for your password, and our team can't see it or set one for you.

If you no longer have access to the email address on your account, contact us from the phone number on your account or with a recent order number and postcode, and we'll help you update it.

You don't need an account to track an order: your order number with your email address or postcode is enough.""",
            _PASSWORD_RESET_TRANSLATIONS,
        ),
        ArticleSpec(
            "payment-methods-and-charges",
            "Payment methods, declined payments and double charges",
            "payments",
            """\
We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Google Pay. All prices are in pounds sterling (GBP) and include UK VAT. Your payment is taken when you place your order.

Declined payments: if your bank declines a payment, no money is taken, though your banking app may briefly show a pending authorisation that disappears within 3–5 working days. You can try again with the same or another card; an order stays "pending" until payment succeeds and is cancelled after 24 hours without payment.

Charged twice? Usually one of the two is a pending authorisation that drops off on its own within 5 working days. If both have been taken as completed payments, contact us with your order number: we'll check and refund the duplicate straight away, and it reaches your card in 3–5 working days.""",
        ),
        ArticleSpec(
            "back-in-stock-alerts",
            "Back-in-stock alerts",
            "account",
            """\
If the size or colour you want is sold out, you can ask to be told when it's back. Sign up on the product page, or ask us in the chat and tell us the product, colour and size.

We message you once, on the channel you signed up from, as soon as it's back in stock. Popular sizes sell quickly, so we don't hold stock for alerts. Alerts don't expire, and you can cancel one at any time by asking us.""",
        ),
    ]


def _apparel_size_guide() -> str:
    rows = [
        ("XS", "86–91 cm (34–36 in)", "71–76 cm (28–30 in)"),
        ("S", "91–97 cm (36–38 in)", "76–81 cm (30–32 in)"),
        ("M", "97–102 cm (38–40 in)", "81–86 cm (32–34 in)"),
        ("L", "102–107 cm (40–42 in)", "86–91 cm (34–36 in)"),
        ("XL", "107–112 cm (42–44 in)", "91–97 cm (36–38 in)"),
        ("XXL", "112–117 cm (44–46 in)", "97–102 cm (38–40 in)"),
    ]
    dresses = [
        ("6", 80, 62, 87),
        ("8", 84, 66, 91),
        ("10", 88, 70, 95),
        ("12", 93, 75, 100),
        ("14", 98, 80, 105),
        ("16", 103, 85, 110),
        ("18", 108, 90, 115),
    ]
    small = [s.name for s in STYLES if s.category == "apparel" and s.runs == "small"]
    large = [s.name for s in STYLES if s.category == "apparel" and s.runs == "large"]
    lines = [
        (
            "Measure over light clothing, with the tape level and snug but not tight. If you're "
            "between sizes, choose the larger size for a relaxed fit or the smaller for a closer fit."
        ),
        "",
        "Tops, knitwear, jackets, joggers and shorts (XS–XXL), body measurements:",
    ]
    lines += [f"- {size}: chest {chest}, waist {waist}" for size, chest, waist in rows]
    lines += [
        "",
        (
            "Jeans and chinos are sized by waist in inches (28–38), all with a 32-inch (81 cm) leg. "
            "Measure around your natural waist and choose that size; between sizes, size up in "
            "rigid denim and down in stretch denim."
        ),
        "",
        "Dresses (UK 6–18), body measurements in cm:",
    ]
    lines += [f"- UK {s}: bust {b}, waist {w}, hips {h}" for s, b, w, h in dresses]
    lines += [
        "",
        "Styles that fit differently:",
        "- Run small, so order one size up: " + ", ".join(small) + ".",
        "- Run large, so size down if you're between sizes: " + ", ".join(large) + ".",
        "- Everything else is true to size.",
        "",
        (
            "Not sure? Tell us your usual size in another brand, your height and how you like things "
            "to fit, and we'll recommend a size. Exchanges for a different size are free."
        ),
    ]
    return "\n".join(lines)


def _footwear_size_guide() -> str:
    small = [s.name for s in STYLES if s.category == "footwear" and s.runs == "small"]
    large = [s.name for s in STYLES if s.category == "footwear" and s.runs == "large"]
    lines = [
        (
            "Our footwear comes in whole UK sizes. Men's styles run from UK 6 to 12, women's styles "
            "from UK 3 to 8, and unisex trainers, plimsolls and sliders from UK 3 to 12."
        ),
        "",
        "Size conversions (foot length in cm):",
    ]
    for uk, eu in EU_SHOE_SIZES.items():
        us_men = f"US men's {uk + 1}"
        us_women = f"US women's {uk + 2}" if uk <= 10 else ""
        us = ", ".join(x for x in (us_men, us_women) if x)
        lines.append(f"- UK {uk} = EU {eu} = {us}; foot length {FOOT_LENGTH_CM[uk]} cm")
    lines += [
        "",
        (
            "To measure, stand on a sheet of paper with your heel against a wall and mark the tip of "
            "your longest toe. Measure both feet in the evening and use the longer one."
        ),
        "",
        "Styles that fit differently:",
        "- Run small, so order half a size to a size up (we sell whole sizes, so go up one): "
        + ", ".join(small)
        + ".",
        "- Run large, so size down if you're between sizes: " + ", ".join(large) + ".",
        "- All other styles are true to size.",
        "",
        (
            "Leather boots and loafers feel snug for the first few wears and give a little with time. "
            "If your heel slips more than slightly, the size is too big. Try footwear on indoors: "
            "worn soles can't be returned."
        ),
    ]
    return "\n".join(lines)


def _product_text(product: Product) -> str:
    return f"{product.name}. {product.kind} ({product.category}). {product.description}"


def _article_text(article: Article) -> str:
    return f"{article.title}\n\n{article.body}"



# The agents' canned responses, each written natively in every language the shop speaks
# (the inbox offers the shopper's first). Titles stay in the staff's English.
CANNED_RESPONSES: dict[tuple[str, str], dict[str, str]] = {
    ("greeting", "Greeting"): {
        "en": "Hi {first_name}, this is {agent_name} from the {shop_name} team. I'm looking "
              "at this now and will get back to you in a moment.",
        "es": "Hola, {first_name}: soy {agent_name}, del equipo de {shop_name}. Ya estoy "
              "revisando tu consulta y te respondo en un momento.",
        "de": "Hallo {first_name}, hier ist {agent_name} vom {shop_name}-Team. Ich sehe mir "
              "Ihr Anliegen gerade an und melde mich gleich bei Ihnen.",
        "fr": "Bonjour {first_name}, ici {agent_name}, de l'équipe {shop_name}. Je regarde "
              "votre demande dès maintenant et je reviens vers vous dans un instant.",
        "it": "Ciao {first_name}, sono {agent_name} del team di {shop_name}. Sto guardando la "
              "tua richiesta proprio ora e ti rispondo tra un attimo.",
        "pt": "Olá {first_name}, aqui é {agent_name}, da equipa {shop_name}. Estou a analisar "
              "o seu pedido neste momento e respondo-lhe dentro de instantes.",
        "nl": "Hoi {first_name}, je spreekt met {agent_name} van het {shop_name}-team. Ik "
              "bekijk je vraag nu en kom zo bij je terug.",
    },
    ("tracking", "Tracking update"): {
        "en": "Hi {first_name}, I've checked order #{order_number} with the carrier: the "
              "tracking number is {tracking_number}. I'll keep an eye on it and update you "
              "here.",
        "es": "Hola, {first_name}: he consultado el pedido n.º {order_number} con la empresa "
              "de transporte y el número de seguimiento es {tracking_number}. Lo seguiré de "
              "cerca y te iré informando por aquí.",
        "de": "Hallo {first_name}, ich habe Bestellung #{order_number} beim Versanddienst "
              "nachgeprüft: Die Sendungsnummer lautet {tracking_number}. Ich behalte die "
              "Sendung im Blick und halte Sie hier auf dem Laufenden.",
        "fr": "Bonjour {first_name}, j'ai vérifié la commande n° {order_number} auprès du "
              "transporteur : le numéro de suivi est {tracking_number}. Je garde un œil sur "
              "la livraison et je vous tiens au courant ici.",
        "it": "Ciao {first_name}, ho verificato l'ordine n. {order_number} con il corriere: "
              "il numero di tracciamento è {tracking_number}. Continuerò a seguirlo e ti "
              "aggiornerò qui.",
        "pt": "Olá {first_name}, verifiquei a encomenda n.º {order_number} junto da "
              "transportadora: o número de seguimento é {tracking_number}. Vou continuar a "
              "acompanhá-la e dou-lhe notícias por aqui.",
        "nl": "Hoi {first_name}, ik heb bestelling #{order_number} nagevraagd bij de "
              "vervoerder: het trackingnummer is {tracking_number}. Ik houd de zending in de "
              "gaten en laat het je hier weten.",
    },
    ("refund-approved", "Refund approved"): {
        "en": "Good news, {first_name}: I've approved the refund for order #{order_number}. "
              "It goes back to your original payment method and usually shows within 3–5 "
              "working days.",
        "es": "Buenas noticias, {first_name}: he aprobado el reembolso del pedido n.º "
              "{order_number}. Se devuelve al mismo método de pago que usaste y suele "
              "aparecer en un plazo de 3 a 5 días laborables.",
        "de": "Gute Nachrichten, {first_name}: Ich habe die Rückerstattung für Bestellung "
              "#{order_number} freigegeben. Der Betrag geht an Ihre ursprüngliche Zahlungsart "
              "zurück und ist in der Regel innerhalb von 3–5 Werktagen sichtbar.",
        "fr": "Bonne nouvelle, {first_name} : j'ai validé le remboursement de la commande "
              "n° {order_number}. Il est versé sur votre moyen de paiement d'origine et "
              "apparaît généralement sous 3 à 5 jours ouvrés.",
        "it": "Buone notizie, {first_name}: ho approvato il rimborso dell'ordine n. "
              "{order_number}. L'importo torna sul metodo di pagamento originale e di solito "
              "compare entro 3-5 giorni lavorativi.",
        "pt": "Boas notícias, {first_name}: aprovei o reembolso da encomenda n.º "
              "{order_number}. O valor é devolvido para o método de pagamento original e "
              "costuma aparecer no prazo de 3 a 5 dias úteis.",
        "nl": "Goed nieuws, {first_name}: ik heb de terugbetaling voor bestelling "
              "#{order_number} goedgekeurd. Het bedrag gaat terug naar je oorspronkelijke "
              "betaalmethode en staat er meestal binnen 3 tot 5 werkdagen op.",
    },
    ("anything-else", "Anything else?"): {
        "en": "Is there anything else I can help you with today, {first_name}?",
        "es": "¿Puedo ayudarte con algo más hoy, {first_name}?",
        "de": "Kann ich heute sonst noch etwas für Sie tun, {first_name}?",
        "fr": "Puis-je vous aider pour autre chose aujourd'hui, {first_name} ?",
        "it": "Posso aiutarti con qualcos'altro oggi, {first_name}?",
        "pt": "Posso ajudar com mais alguma coisa hoje, {first_name}?",
        "nl": "Kan ik je vandaag nog ergens anders mee helpen, {first_name}?",
    },
}


def _canned_responses() -> list[CannedResponse]:
    return [CannedResponse(shortcut=shortcut, title=title, language=language, text=text)
            for (shortcut, title), texts in CANNED_RESPONSES.items()
            for language, text in texts.items()]

# --------------------------------------------------------------------------------------
# Planning: the whole shop in memory
# --------------------------------------------------------------------------------------


@dataclass
class _Address:
    line1: str
    line2: str
    city: str
    postcode: str
    country: str
    hub: str
    tz: ZoneInfo


@dataclass
class _Customer:
    model: Customer
    region: str
    home: _Address
    alt: _Address | None
    member: bool
    orders: list[_Order] = field(default_factory=list)


@dataclass
class _Scan:
    at: datetime
    status: str
    code: str
    location: str
    detail: str = ""
    exception: str = ""
    stage: str = ""


@dataclass
class _Order:
    number: str
    placed_at: datetime
    customer: _Customer
    address: _Address
    lines: list[tuple[Variant, int]]
    subtotal: Decimal = Decimal(0)
    fate: str = "paid"  # paid, pending, cancel_unpaid, cancel_customer, cancel_stock
    method: str = "card"
    carrier: str = ""
    service: str = "standard"
    shipping_cost: Decimal = Decimal(0)
    promise_days: int = 3
    dispatch_at: datetime | None = None
    delivery_day: date | None = None
    failed_first: bool = False
    backorder: bool = False
    special: str = ""
    scans: list[_Scan] = field(default_factory=list)
    status: str = ""
    cancelled_at: datetime | None = None
    cancel_reason: str = ""
    promised_by: datetime | None = None
    delivered_at: datetime | None = None
    model: Order | None = None


@dataclass
class _Plan:
    seed: int
    anchor: datetime
    products: list[Product]
    variants: list[Variant]
    reviews: list[Review]
    customers: list[Customer]
    orders: list[Order]
    items: list[OrderItem]
    payments: list[Payment]
    payment_methods: list[PaymentMethod]
    shipments: list[Shipment]
    events: list[TrackingEvent]
    returns: list[Return]
    return_items: list[ReturnItem]
    refunds: list[Refund]
    loyalty: list[LoyaltyTransaction]
    codes: list[DiscountCode]
    articles: list[Article]
    examples: list[ExampleShopper]
    fingerprint: str


def _plan_shop(*, seed: int, anchor: datetime) -> _Plan:
    rng = random.Random(seed)
    products, variants, style_of = _plan_catalogue(rng)
    customers = _plan_customers(rng, anchor)
    orders = _plan_orders(rng, anchor, customers, variants)
    _plan_shipping(rng, anchor, orders)
    _plan_specials(rng, anchor, orders)
    for order in orders:
        _settle_status(order, anchor)
    _tag_customers(rng, customers)

    order_models, items, item_of = _materialise_orders(orders)
    payment_methods = _plan_payment_methods(customers, orders)
    payments, cancel_refunds = _plan_payments(rng, anchor, orders)
    tracking_numbers: set[str] = set()
    shipments, events = _materialise_shipments(rng, orders, tracking_numbers)
    returns, return_items, refunds = _plan_returns(
        rng, anchor, orders, item_of, style_of, variants, tracking_numbers
    )
    loyalty = _plan_loyalty(rng, anchor, customers, returns, return_items)
    reviews = _plan_reviews(rng, anchor, products, style_of, customers)

    plan = _Plan(
        seed=seed,
        anchor=anchor,
        products=products,
        variants=variants,
        reviews=reviews,
        customers=[c.model for c in customers],
        orders=order_models,
        items=items,
        payments=payments,
        payment_methods=payment_methods,
        shipments=shipments,
        events=events,
        returns=returns,
        return_items=return_items,
        refunds=cancel_refunds + refunds,
        loyalty=loyalty,
        codes=_plan_codes(anchor),
        articles=[
            Article(slug=a.slug, title=a.title, topic=a.topic, body=a.body,
                    translations=a.translations)
            for a in _articles()
        ],
        examples=_pick_examples(anchor, orders),
        fingerprint="",
    )
    plan.fingerprint = _fingerprint(
        [c.email for c in plan.customers], [(o.number, o.placed_at) for o in plan.orders]
    )
    return plan


def _fingerprint(emails: list[str], orders: list[tuple[str, datetime]]) -> str:
    digest = hashlib.sha256()
    for email in sorted(emails):
        digest.update(f"c|{email}\n".encode())
    for number, placed_at in sorted(orders):
        digest.update(f"o|{number}|{placed_at.astimezone(UTC).isoformat()}\n".encode())
    return digest.hexdigest()


# ---- time helpers ----


def _at(day: date, hour: float, tz: ZoneInfo = LONDON, second: int = 0) -> datetime:
    """The UTC moment of a local wall-clock time (hours past that day's midnight)."""
    offset = timedelta(minutes=round(hour * 60), seconds=second)
    midnight_utc, steady = _midnight(day, tz)
    if steady:
        return midnight_utc + offset
    # A clock-change day: let zoneinfo resolve the wall-clock time.
    local = datetime(day.year, day.month, day.day) + offset
    return local.replace(tzinfo=tz).astimezone(UTC)


@functools.cache
def _midnight(day: date, tz: ZoneInfo) -> tuple[datetime, bool]:
    """A day's local midnight in UTC, and whether the UTC offset holds for two days
    from it (so adding hours to it needs no time-zone arithmetic)."""
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    end = start + timedelta(days=2)
    return start.astimezone(UTC), start.utcoffset() == end.utcoffset()


def _clock(rng: random.Random, day: date, lo: float, hi: float, tz: ZoneInfo = LONDON) -> datetime:
    return _at(day, lo + rng.random() * (hi - lo), tz, rng.randrange(60))


def _local_day(moment: datetime, tz: ZoneInfo = LONDON) -> date:
    return moment.astimezone(tz).date()


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _delivery_day(day: date) -> date:
    """Carriers deliver Monday to Saturday."""
    return day + timedelta(days=1) if day.weekday() == 6 else day


def _add_working_days(day: date, n: int) -> date:
    for _ in range(n):
        day = _next_working_day(day)
    return day


def _money(value: Decimal | str | float) -> Decimal:
    return Decimal(str(value)).quantize(PENNY, rounding=ROUND_HALF_UP)


# ---- catalogue ----


def _plan_catalogue(rng: random.Random) -> tuple[list[Product], list[Variant], dict[int, Style]]:
    products: list[Product] = []
    variants: list[Variant] = []
    style_of: dict[int, Style] = {}
    popular = {
        "M": 1.6,
        "L": 1.5,
        "S": 1.2,
        "32": 1.5,
        "34": 1.4,
        "10": 1.4,
        "12": 1.4,
        "UK 8": 1.5,
        "UK 9": 1.5,
        "UK 6": 1.3,
        "UK 7": 1.4,
        "UK 5": 1.2,
    }
    for style in STYLES:
        product = Product(
            name=style.name,
            slug=slugify(style.name),
            category=style.category,
            kind=style.kind,
            description=_product_description(style),
            material=style.material,
            care=style.care,
        )
        products.append(product)
        style_of[id(product)] = style
        for colour in style.colours:
            clearance = colour in style.clearance
            for size in SIZE_RUNS[style.sizes]:
                roll = rng.random()
                if roll < 0.15:
                    stock = 0
                elif roll < 0.27:
                    stock = rng.randint(1, 3)
                else:
                    stock = int(rng.randint(4, 40) * popular.get(size, 1.0))
                if clearance:
                    stock = rng.choice([0, 0, 1, 2, 3, 5])
                variant = Variant(
                    product=product,
                    sku=f"{style.prefix}-{style.code}-{COLOUR_CODES[colour]}-{_size_code(size)}",
                    options=_variant_options(colour, size),
                    price=Decimal(style.clearance_price if clearance else style.price),
                    stock=stock,
                    final_sale=clearance,
                )
                variants.append(variant)
    return products, variants, style_of


# ---- customers ----


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _uk_address(rng: random.Random) -> _Address:
    # London gets a bigger share, as it would in a real shop's order book.
    area = rng.choice(UK_AREAS[:10]) if rng.random() < 0.3 else rng.choice(UK_AREAS)
    outward, town, hub = area
    inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    line2 = f"Flat {rng.randint(1, 24)}" if rng.random() < 0.22 else ""
    return _Address(
        line1=f"{rng.randint(1, 180)} {rng.choice(UK_STREETS)}",
        line2=line2,
        city=town,
        postcode=f"{outward} {inward}",
        country="GB",
        hub=hub,
        tz=LONDON,
    )


def _abroad_address(rng: random.Random, country: str) -> _Address:
    city, code, streets, tz = rng.choice(ABROAD[country])
    street = rng.choice(streets)
    number = rng.randint(1, 240)
    if country == "IE":
        chars = "ACDEFHKNPRTVWXY0123456789"
        postcode = f"{code} {''.join(rng.choice(chars) for _ in range(4))}"
        line1, line2 = f"{number} {street}", ""
    elif country == "NL":
        postcode = (
            f"{code} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
        )
        line1, line2 = f"{street} {number}", ""
    elif country == "US":
        postcode = code
        line1 = f"{number} {street}"
        line2 = f"Apt {rng.randint(1, 9)}{rng.choice('ABCD')}" if rng.random() < 0.5 else ""
    elif country == "DE":
        postcode, line1, line2 = code, f"{street} {number}", ""
    else:
        postcode, line1, line2 = code, f"{number} {street}", ""
    hub = city.split(",")[0]
    return _Address(line1, line2, city, postcode, country, hub, ZoneInfo(tz))


def _plan_customers(rng: random.Random, anchor: datetime) -> list[_Customer]:
    uk_phones = [f"+447700900{n:03d}" for n in range(1000)]
    rng.shuffle(uk_phones)
    us_phones = [f"+1{area}55501{n:02d}" for area in US_AREA_CODES for n in range(100)]
    rng.shuffle(us_phones)
    emails: set[str] = set()
    customers: list[_Customer] = []
    for _ in range(CUSTOMER_COUNT):
        region = rng.choices(["uk", "eu", "us"], weights=[65, 20, 15])[0]
        first_names, last_names = {
            "uk": (UK_FIRST, UK_LAST),
            "eu": (EU_FIRST, EU_LAST),
            "us": (US_FIRST, US_LAST),
        }[region]
        first, last = rng.choice(first_names), rng.choice(last_names)
        name = f"{first} {last}"
        if region == "uk":
            country = "IE" if rng.random() < 0.04 else "GB"
        elif region == "eu":
            country = rng.choice(["FR", "DE", "NL"]) if rng.random() < 0.3 else "GB"
        else:
            country = "US" if rng.random() < 0.4 else "GB"
        home = _uk_address(rng) if country == "GB" else _abroad_address(rng, country)
        alt = None
        if rng.random() < 0.12:
            alt = _uk_address(rng) if country == "GB" else _abroad_address(rng, country)

        f, lst = _ascii(first), _ascii(last)
        pattern = rng.randrange(6)
        local = [
            f"{f}.{lst}",
            f"{f}{lst}",
            f"{f[0]}.{lst}",
            f"{f}_{lst}",
            f"{f}.{lst}{rng.randint(1, 99)}",
            f"{f}{rng.randint(1970, 2004)}",
        ][pattern]
        domain = rng.choice(EMAIL_DOMAINS)
        email = f"{local}@{domain}"
        while email in emails:
            email = f"{local}{rng.randint(2, 999)}@{domain}"
        emails.add(email)

        if rng.random() < 0.05:
            phone = ""
        elif country == "US":
            phone = us_phones.pop()
        else:
            phone = uk_phones.pop()
        model = Customer(
            name=name,
            email=email,
            phone=phone,
            tags=[DEMO_TAG],
            language="en",
            marketing_consent=rng.random() < 0.45,
        )
        customers.append(
            _Customer(model=model, region=region, home=home, alt=alt, member=rng.random() < 0.65)
        )
    return customers


def _tag_customers(rng: random.Random, customers: list[_Customer]) -> None:
    """VIPs are the best customers: the top spenders, as the shop's own rule would pick."""
    spend = {
        id(c): sum((o.subtotal for o in c.orders if o.fate == "paid"), Decimal(0))
        for c in customers
    }
    ranked = sorted(customers, key=lambda c: (-spend[id(c)], c.model.email))
    for customer in ranked[:60]:
        customer.model.tags = [DEMO_TAG, "vip"]
    for customer in customers:
        first = min((o.placed_at for o in customer.orders), default=None)
        if first is None:
            continue
        if rng.random() < 0.25:
            customer.model.created_at = first - timedelta(minutes=rng.randint(2, 15))
        else:
            customer.model.created_at = first - timedelta(
                days=rng.randint(1, 700), minutes=rng.randint(0, 1439)
            )


# ---- orders ----

# Share of orders by hour of day (London): lunchtime and evening peaks.
HOUR_WEIGHTS = (
    1,
    0.6,
    0.3,
    0.2,
    0.2,
    0.3,
    0.8,
    1.8,
    3,
    3.6,
    4,
    4.5,
    5.5,
    5.5,
    4.6,
    4.2,
    4.2,
    4.6,
    5.4,
    6.4,
    7,
    6.6,
    4.8,
    2.6,
)


def _plan_orders(
    rng: random.Random, anchor: datetime, customers: list[_Customer], variants: list[Variant]
) -> list[_Order]:
    start = anchor - timedelta(days=HISTORY_DAYS)
    times: list[datetime] = []
    hour_cumulative = list(itertools.accumulate(HOUR_WEIGHTS))
    while len(times) < ORDER_COUNT:
        # Slightly more orders recently: the shop is growing.
        age = timedelta(days=HISTORY_DAYS * rng.random() ** 1.1)
        day = _local_day(anchor - age)
        hour = rng.choices(range(24), cum_weights=hour_cumulative)[0] + rng.random()
        moment = _at(day, hour, second=rng.randrange(60))
        if start < moment < anchor:
            times.append(moment)
    times.sort()

    weights = [rng.paretovariate(1.6) for _ in customers]
    buyers = list(range(len(customers)))
    buyers += rng.choices(range(len(customers)), weights=weights, k=ORDER_COUNT - len(customers))
    rng.shuffle(buyers)

    product_weight: dict[int, float] = {}
    for variant in variants:
        key = id(variant.product)
        if key not in product_weight:
            product_weight[key] = rng.uniform(0.5, 1.5)
    style_weight = {s.name: s.popularity for s in STYLES}
    cumulative, total = [], 0.0
    for v in variants:
        total += product_weight[id(v.product)] * style_weight[v.product.name]
        cumulative.append(total)

    orders: list[_Order] = []
    for index, (placed_at, buyer) in enumerate(zip(times, buyers, strict=True)):
        customer = customers[buyer]
        address = customer.alt if customer.alt and rng.random() < 0.3 else customer.home
        n_lines = rng.choices([1, 2, 3, 4], weights=[52, 30, 13, 5])[0]
        chosen: list[Variant] = []
        while len(chosen) < n_lines:
            variant = rng.choices(variants, cum_weights=cumulative)[0]
            if variant not in chosen:
                chosen.append(variant)
        lines = [(v, rng.choices([1, 2, 3], weights=[88, 10, 2])[0]) for v in chosen]
        order = _Order(
            number=str(FIRST_ORDER_NUMBER + index),
            placed_at=placed_at,
            customer=customer,
            address=address,
            lines=lines,
            subtotal=sum((v.price * q for v, q in lines), Decimal(0)),
        )
        order.method = rng.choices(
            ["card", "paypal", "apple_pay", "google_pay"], weights=[72, 14, 10, 4]
        )[0]
        _plan_service(rng, order)
        _plan_fate(rng, anchor, order)
        customer.orders.append(order)
        orders.append(order)
    return orders


def _region(country: str) -> str:
    return country if country in {"GB", "IE", "US"} else "EU"


def _plan_service(rng: random.Random, order: _Order) -> None:
    region = _region(order.address.country)
    if region == "GB":
        if rng.random() < 0.22:
            order.service = "express"
            order.carrier = "dpd" if rng.random() < 0.75 else "ups"
        else:
            order.carrier = "royal_mail" if rng.random() < 0.55 else "evri"
    elif region == "IE":
        order.carrier = "dpd" if rng.random() < 0.5 else "dhl"
    elif region == "EU":
        order.carrier = "dhl" if rng.random() < 0.75 else "ups"
    else:
        order.carrier = "ups" if rng.random() < 0.65 else "dhl"
    cost, free_from, promise = SHIPPING[(region, order.service)]
    order.shipping_cost = Decimal(0) if free_from and order.subtotal >= free_from else cost
    order.promise_days = promise


def _plan_fate(rng: random.Random, anchor: datetime, order: _Order) -> None:
    age = anchor - order.placed_at
    roll = rng.random()
    # Unpaid orders are cancelled after 24 hours, so only recent ones are still pending.
    if age < timedelta(hours=6) and roll < 0.35 or age < timedelta(hours=24) and roll < 0.06:
        order.fate = "pending"
    elif roll < 0.035:
        kind = rng.choices(["cancel_unpaid", "cancel_customer", "cancel_stock"], weights=[3, 5, 2])[
            0
        ]
        if kind == "cancel_unpaid":
            cancelled_at = order.placed_at + timedelta(hours=24, minutes=rng.randint(0, 30))
            reason = "Payment not completed within 24 hours."
        elif kind == "cancel_customer":
            cancelled_at = order.placed_at + timedelta(minutes=rng.randint(15, 240))
            reason = rng.choice(
                [
                    "Customer asked to cancel: ordered the wrong size.",
                    "Customer asked to cancel: no longer needed.",
                    "Customer asked to cancel: found it cheaper elsewhere.",
                    "Customer asked to cancel: placed a duplicate order.",
                ]
            )
        else:
            cancelled_at = order.placed_at + timedelta(hours=rng.randint(16, 26))
            reason = "An item sold out before we could pack it."
        if cancelled_at < anchor - timedelta(minutes=30):
            order.fate = kind
            order.cancelled_at = cancelled_at
            order.cancel_reason = reason


# ---- shipping and scans ----


def _plan_shipping(rng: random.Random, anchor: datetime, orders: list[_Order]) -> None:
    for order in orders:
        if order.fate != "paid":
            continue
        placed_local = order.placed_at.astimezone(LONDON)
        day = placed_local.date()
        earliest = order.placed_at + timedelta(minutes=45)
        if day.weekday() >= 5 or placed_local.hour >= 13:
            day = _next_working_day(day)
        if rng.random() < 0.08:
            day = _next_working_day(day)  # a busy day in the warehouse
        if rng.random() < 0.03:
            order.backorder = True
            day = _add_working_days(day, rng.randint(2, 4))
        opens = max(earliest, _at(day, 10.0))
        closes = _at(day, 17.0)
        if opens >= closes:
            day = _next_working_day(day)
            opens, closes = _at(day, 10.0), _at(day, 17.0)
        order.dispatch_at = (opens + (closes - opens) * (rng.random() * 0.7)).replace(microsecond=0)

        region = _region(order.address.country)
        if order.service == "express":
            transit = 1
        elif region == "GB":
            transit = rng.choices([1, 2, 3], weights=[55, 35, 10])[0]
        elif region in {"IE", "EU"}:
            transit = rng.choices([2, 3, 4], weights=[40, 45, 15])[0]
        else:
            transit = rng.choices([3, 4, 5], weights=[35, 45, 20])[0]
        if rng.random() < 0.05:
            transit += rng.randint(1, 2)  # an ordinary late parcel
        dispatch_day = _local_day(order.dispatch_at)
        order.delivery_day = _delivery_day(dispatch_day + timedelta(days=transit))
        order.failed_first = rng.random() < 0.04
        promised_day = dispatch_day + timedelta(days=order.promise_days)
        order.promised_by = _at(promised_day, 23 + 59 / 60, order.address.tz)
        order.scans = _route(rng, order)
        if anchor - order.scans[-1].at > timedelta(days=6) and rng.random() < 0.02:
            order.scans = _with_resolved_exception(rng, order.scans, order)


def _route(rng: random.Random, order: _Order) -> list[_Scan]:
    """A parcel's whole journey as the carrier would scan it, oldest first, ending in
    delivery (the caller cuts it at the anchor)."""
    carrier, address = order.carrier, order.address
    codes = CARRIER_CODES[carrier]
    region = _region(address.country)
    cc = address.country
    fill = {"hub": address.hub, "city": address.city.split(",")[0], "cc": cc}
    assert order.dispatch_at is not None and order.delivery_day is not None

    scans = [
        _Scan(
            order.dispatch_at,
            "label_created",
            codes["label"],
            WAREHOUSE,
            LABEL_DETAIL[carrier],
            stage="label",
        )
    ]
    day0 = _local_day(order.dispatch_at)
    collected_at = max(_clock(rng, day0, 17.5, 19.25), order.dispatch_at + timedelta(minutes=40))
    location, detail = COLLECTED[carrier]
    scans.append(
        _Scan(collected_at, "in_transit", codes["collected"], location, detail, stage="collected")
    )

    tz = address.tz
    local_at = _clock(rng, order.delivery_day, 4.0, 6.5, tz)
    hops = HUBS[(carrier, region)]
    span = local_at - collected_at - timedelta(hours=2)
    for i, (stage, code, loc, det) in enumerate(hops):
        slot = span / len(hops)
        at = collected_at + timedelta(hours=1) + slot * i + slot * (0.2 + 0.6 * rng.random())
        scans.append(
            _Scan(
                at.replace(microsecond=0), "in_transit", code, loc.format(**fill), det, stage=stage
            )
        )
    loc, det = LOCAL[carrier]
    depot = loc.format(**fill)
    scans.append(_Scan(local_at, "in_transit", codes["local"], depot, det, stage="local"))

    day = order.delivery_day
    if order.failed_first:
        scans.append(_ofd(rng, order, day, depot, codes))
        scans.append(
            _Scan(
                _clock(rng, day, 11.0, 17.0, tz),
                "failed_attempt",
                codes["failed"],
                depot,
                FAILED_DETAIL[carrier],
                stage="failed",
            )
        )
        day = _delivery_day(day + timedelta(days=1))
    scans.append(_ofd(rng, order, day, depot, codes))
    scans.append(_delivered(rng, order, day, codes))
    if carrier == "dpd":
        delivered = scans[-1].at.astimezone(tz)
        start = delivered - timedelta(minutes=rng.randint(5, 50))
        start = start.replace(minute=(start.minute // 15) * 15)
        end = start + timedelta(hours=1)
        scans[-2].detail = f"Out for delivery. Your one-hour window is {start:%H:%M}–{end:%H:%M}."
    return scans


def _ofd(rng: random.Random, order: _Order, day: date, depot: str, codes: dict[str, str]) -> _Scan:
    detail = {
        "royal_mail": "Out for delivery.",
        "evri": "Out for delivery with your courier.",
        "dpd": "Out for delivery.",
        "ups": "Out for delivery today.",
        "dhl": "With delivery courier.",
    }[order.carrier]
    return _Scan(
        _clock(rng, day, 6.75, 8.75, order.address.tz),
        "out_for_delivery",
        codes["ofd"],
        depot,
        detail,
        stage="ofd",
    )


def _delivered(rng: random.Random, order: _Order, day: date, codes: dict[str, str]) -> _Scan:
    surname = order.customer.model.name.split()[-1].upper()
    detail = rng.choice(DELIVERED_DETAIL).format(n=rng.randint(1, 120), surname=surname)
    city = order.address.city.split(",")[0]
    return _Scan(
        _clock(rng, day, 9.5, 18.5, order.address.tz),
        "delivered",
        codes["delivered"],
        f"{city}, {order.address.country}",
        detail,
        stage="delivered",
    )


def _with_resolved_exception(rng: random.Random, scans: list[_Scan], order: _Order) -> list[_Scan]:
    """An older parcel that hit a problem on the way and was delivered anyway, later."""
    kind = rng.choice(["weather_delay", "carrier_delay", "address_issue", "damaged"])
    codes = CARRIER_CODES[order.carrier]
    pivot = next(i for i, s in enumerate(scans) if s.stage in {"hub", "customs"})
    if kind == "address_issue":
        pivot = next(i for i, s in enumerate(scans) if s.stage == "local")
    hit = scans[pivot]
    exc_at = hit.at + timedelta(hours=rng.uniform(1, 5))
    exception = _Scan(
        exc_at.replace(microsecond=0),
        "exception",
        codes[kind],
        hit.location,
        rng.choice(EXCEPTION_DETAIL[kind]),
        exception=kind,
        stage="exception",
    )
    shift = timedelta(days=1)
    if _local_day(scans[-1].at + shift, order.address.tz).weekday() == 6:
        shift = timedelta(days=2)
    resumed = _Scan(
        (exc_at + timedelta(hours=rng.uniform(8, 16))).replace(microsecond=0),
        "in_transit",
        codes["resumed"],
        hit.location,
        RESOLVED_DETAIL[kind],
        stage="resumed",
    )
    later = [
        _Scan(s.at + shift, s.status, s.code, s.location, s.detail, s.exception, s.stage)
        for s in scans[pivot + 1 :]
    ]
    if later and later[0].at <= resumed.at:
        gap = resumed.at - later[0].at + timedelta(hours=2)
        later = [
            _Scan(s.at + gap, s.status, s.code, s.location, s.detail, s.exception, s.stage)
            for s in later
        ]
    return scans[: pivot + 1] + [exception, resumed] + later


# ---- the parcels that are in trouble right now ----

SPECIALS: tuple[tuple[str, int], ...] = (
    ("address_issue", 4),
    ("weather_delay", 4),
    ("customs_hold", 4),
    ("damaged", 3),
    ("lost", 3),
    ("held_at_depot", 4),
    ("carrier_delay", 4),
    ("failed_attempt", 5),
    ("returned_to_sender", 3),
    ("late", 8),
    ("stale", 6),
)


def _plan_specials(rng: random.Random, anchor: datetime, orders: list[_Order]) -> None:
    pool = [
        o
        for o in orders
        if o.fate == "paid"
        and not o.backorder
        and o.dispatch_at
        and anchor - timedelta(days=25) < o.dispatch_at < anchor - timedelta(hours=12)
    ]
    pool.sort(key=lambda o: o.number)
    rng.shuffle(pool)
    used: set[str] = set()
    for kind, wanted in SPECIALS:
        found = 0
        for order in pool:
            if found == wanted:
                break
            if order.number in used:
                continue
            international = order.address.country != "GB"
            if (kind == "customs_hold") != international:
                continue
            scans = _special_scans(rng, anchor, order, kind)
            if scans is None:
                continue
            order.scans = scans
            order.special = kind
            used.add(order.number)
            found += 1


def _special_scans(
    rng: random.Random, anchor: datetime, order: _Order, kind: str
) -> list[_Scan] | None:
    scans = order.scans
    codes = CARRIER_CODES[order.carrier]
    tz = order.address.tz
    recent = anchor - timedelta(hours=60)

    def upto(stage: str, last: bool = False) -> int | None:
        hits = [i for i, s in enumerate(scans) if s.stage == stage]
        if not hits:
            return None
        return hits[-1] if last else hits[0]

    def exception(at: datetime, where: str, exc: str) -> _Scan:
        detail = rng.choice(EXCEPTION_DETAIL[exc]).format(place=where)
        return _Scan(
            at.replace(microsecond=0),
            "exception",
            codes[exc],
            where,
            detail,
            exception=exc,
            stage="exception",
        )

    if kind in {"weather_delay", "carrier_delay", "damaged"}:
        pivot = upto("hub", last=(kind == "damaged"))
        if pivot is None:
            return None
        at = scans[pivot].at + timedelta(hours=rng.uniform(1, 6))
        if not recent < at < anchor - timedelta(hours=1):
            return None
        return scans[: pivot + 1] + [exception(at, scans[pivot].location, kind)]

    if kind == "customs_hold":
        pivot = upto("customs")
        if pivot is None or order.carrier == "dpd":
            return None
        at = scans[pivot].at
        if not anchor - timedelta(days=4) < at < anchor - timedelta(hours=1):
            return None
        return scans[:pivot] + [exception(at, scans[pivot].location, kind)]

    if kind == "lost":
        pivot = upto("hub")
        if pivot is None:
            return None
        at = scans[pivot].at + timedelta(days=rng.randint(6, 8), hours=rng.uniform(0, 5))
        if not anchor - timedelta(days=4) < at < anchor - timedelta(hours=1):
            return None
        return scans[: pivot + 1] + [exception(at, scans[pivot].location, kind)]

    local = upto("local")
    if local is None:
        return None
    depot = scans[local].location
    day = order.delivery_day
    assert day is not None

    if kind == "address_issue":
        ofd = _ofd(rng, order, day, depot, codes)
        at = _clock(rng, day, 10.0, 16.0, tz)
        if not recent < at < anchor - timedelta(hours=1):
            return None
        trouble = exception(at, depot, kind)
        if order.address.line2:
            trouble.detail = EXCEPTION_DETAIL[kind][1]
        return scans[: local + 1] + [ofd, trouble]

    if kind in {"held_at_depot", "failed_attempt"}:
        ofd = _ofd(rng, order, day, depot, codes)
        failed_at = _clock(rng, day, 11.0, 17.0, tz)
        failed = _Scan(
            failed_at,
            "failed_attempt",
            codes["failed"],
            depot,
            FAILED_DETAIL[order.carrier],
            stage="failed",
        )
        if kind == "failed_attempt":
            retry = _at(_delivery_day(day + timedelta(days=1)), 7.0, tz)
            if not failed_at < anchor <= retry:
                return None
            return scans[: local + 1] + [ofd, failed]
        at = _clock(rng, _delivery_day(day + timedelta(days=1)), 7.5, 9.5, tz)
        if not recent < at < anchor - timedelta(hours=1):
            return None
        return scans[: local + 1] + [ofd, failed, exception(at, depot, kind)]

    if kind == "returned_to_sender":
        ofd1 = _ofd(rng, order, day, depot, codes)
        fail1 = _Scan(
            _clock(rng, day, 11.0, 17.0, tz),
            "failed_attempt",
            codes["failed"],
            depot,
            FAILED_DETAIL[order.carrier],
            stage="failed",
        )
        day2 = _delivery_day(day + timedelta(days=1))
        ofd2 = _ofd(rng, order, day2, depot, codes)
        fail2 = _Scan(
            _clock(rng, day2, 11.0, 17.0, tz),
            "failed_attempt",
            codes["failed"],
            depot,
            "Second delivery attempt failed: the address could not be found.",
            stage="failed",
        )
        rts_day = _add_working_days(day2, 5)
        rts = _Scan(
            _clock(rng, rts_day, 8.0, 12.0, tz),
            "returned_to_sender",
            codes["rts"],
            depot,
            "Not collected within 5 working days. Returning to sender.",
            stage="rts",
        )
        if not anchor - timedelta(days=10) < rts.at < anchor - timedelta(hours=1):
            return None
        return scans[: local + 1] + [ofd1, fail1, ofd2, fail2, rts]

    if kind == "late":
        assert order.promised_by is not None and order.dispatch_at is not None
        if (
            order.promised_by > anchor - timedelta(hours=6)
            or order.dispatch_at < anchor - timedelta(days=9)
            or order.carrier not in {"royal_mail", "evri", "dpd"}
        ):
            return None
        hubs = [i for i, s in enumerate(scans) if s.stage == "hub"]
        last_at = anchor - timedelta(hours=rng.uniform(6, 30))
        last_at = last_at.replace(microsecond=0)
        first_part = scans[: hubs[0] + 1]
        if first_part[-1].at >= last_at - timedelta(hours=12):
            return None
        late_scan = _Scan(
            last_at,
            "in_transit",
            codes["resumed"],
            scans[hubs[-1]].location,
            "In transit: running later than planned.",
            stage="hub",
        )
        return first_part + [late_scan]

    if kind == "stale":
        hubs = [i for i, s in enumerate(scans) if s.stage == "hub"]
        last = scans[hubs[0]]
        if not anchor - timedelta(days=9) < last.at < anchor - timedelta(days=4, hours=12):
            return None
        return scans[: hubs[0] + 1]

    raise ValueError(kind)


def _settle_status(order: _Order, anchor: datetime) -> None:
    if order.fate == "pending":
        order.status = OrderStatus.PENDING
        return
    if order.fate.startswith("cancel"):
        order.status = OrderStatus.CANCELLED
        return
    order.scans = [s for s in order.scans if s.at < anchor]
    if not order.scans:
        order.status = OrderStatus.PROCESSING
        return
    if order.scans[-1].status == ShipmentStatus.DELIVERED:
        order.status = OrderStatus.DELIVERED
        order.delivered_at = order.scans[-1].at
    else:
        order.status = OrderStatus.SHIPPED


# ---- materialising orders, payments and shipments ----


def _materialise_orders(
    orders: list[_Order],
) -> tuple[list[Order], list[OrderItem], dict[tuple[str, str], OrderItem]]:
    models: list[Order] = []
    items: list[OrderItem] = []
    item_of: dict[tuple[str, str], OrderItem] = {}
    for order in orders:
        customer, address = order.customer.model, order.address
        model = Order(
            number=order.number,
            customer=customer,
            status=order.status,
            placed_at=order.placed_at,
            email=customer.email,
            phone=customer.phone,
            currency="GBP",
            ship_name=customer.name,
            ship_line1=address.line1,
            ship_line2=address.line2,
            ship_city=address.city,
            ship_postcode=address.postcode,
            ship_country=address.country,
            shipping_cost=order.shipping_cost,
            cancelled_at=order.cancelled_at,
            cancel_reason=order.cancel_reason,
        )
        order.model = model
        models.append(model)
        for variant, quantity in order.lines:
            item = OrderItem(
                order=model,
                variant=variant,
                quantity=quantity,
                unit_price=variant.price,
                final_sale=variant.final_sale,
            )
            items.append(item)
            item_of[(order.number, variant.sku)] = item
    return models, items, item_of


CARD_BRANDS = ("visa", "visa", "visa", "mastercard", "mastercard", "amex")
WALLET_REFS = {"paypal": "paypal", "apple_pay": "apple-pay", "google_pay": "google-pay"}


def _plan_payment_methods(customers: list[_Customer], orders: list[_Order]) -> list[PaymentMethod]:
    """A saved card for every customer, and the wallet each of their other orders was paid
    with; each order is marked paid with its method. The card is derived from the email, not
    drawn from the seed's random stream, so everything else the seed makes stays the same."""
    methods: list[PaymentMethod] = []
    held: dict[tuple[int, str], PaymentMethod] = {}
    for customer in customers:
        digest = hashlib.sha256(customer.model.email.encode()).digest()
        brand = CARD_BRANDS[digest[0] % len(CARD_BRANDS)]
        last4 = f"{int.from_bytes(digest[1:4], 'big') % 10000:04d}"
        card = PaymentMethod(customer=customer.model, ref=f"{brand}-{last4}",
                             kind=PaymentMethod.Kind.CARD, brand=brand, last4=last4)
        methods.append(card)
        held[(id(customer), card.kind)] = card
    for order in orders:
        assert order.model is not None
        method = held.get((id(order.customer), order.method))
        if method is None:
            method = PaymentMethod(customer=order.customer.model, kind=order.method,
                                   ref=WALLET_REFS.get(order.method, order.method))
            methods.append(method)
            held[(id(order.customer), order.method)] = method
        order.model.paid_with = method
    return methods


def _encode(number: int, alphabet: str, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, len(alphabet))
        chars.append(alphabet[digit])
    return "".join(chars)


def _reference(rng: random.Random, method: str, used: set[str]) -> str:
    """Payment references shaped like the provider's: PayPal's PAYID-…, Stripe's pi_…"""
    while True:
        if method == "paypal":
            ref = "PAYID-" + _encode(
                rng.getrandbits(128), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 24
            )
        else:
            ref = "pi_" + _encode(rng.getrandbits(144), string.ascii_letters + string.digits, 24)
        if ref not in used:
            used.add(ref)
            return ref


def _plan_payments(
    rng: random.Random, anchor: datetime, orders: list[_Order]
) -> tuple[list[Payment], list[Refund]]:
    payments: list[Payment] = []
    refunds: list[Refund] = []
    used: set[str] = set()
    recent_paid = [
        o
        for o in orders
        if o.status in {"shipped", "delivered"}
        and o.method == "card"
        and anchor - o.placed_at < timedelta(days=45)
    ]
    double = {o.number for o in rng.sample(recent_paid, 6)}
    declined_first = {o.number for o in rng.sample(recent_paid, 12)} - double

    for order in orders:
        assert order.model is not None
        total = order.subtotal + order.shipping_cost
        at = order.placed_at + timedelta(seconds=rng.randint(20, 240))
        if order.fate == "pending":
            if rng.random() < 0.35:
                payments.append(
                    Payment(
                        order=order.model,
                        amount=total,
                        method=order.method,
                        status=Payment.Status.DECLINED,
                        created_at=at,
                        reference=_reference(rng, order.method, used),
                    )
                )
            continue
        if order.fate == "cancel_unpaid":
            payments.append(
                Payment(
                    order=order.model,
                    amount=total,
                    method=order.method,
                    status=Payment.Status.DECLINED,
                    created_at=at,
                    reference=_reference(rng, order.method, used),
                )
            )
            continue
        if order.number in declined_first:
            payments.append(
                Payment(
                    order=order.model,
                    amount=total,
                    method="card",
                    status=Payment.Status.DECLINED,
                    created_at=at,
                    reference=_reference(rng, "card", used),
                )
            )
            at += timedelta(minutes=rng.randint(2, 6), seconds=rng.randint(0, 59))
        refunded = order.fate in {"cancel_customer", "cancel_stock"}
        payments.append(
            Payment(
                order=order.model,
                amount=total,
                method=order.method,
                status=Payment.Status.REFUNDED if refunded else Payment.Status.CAPTURED,
                created_at=at,
                reference=_reference(rng, order.method, used),
            )
        )
        if order.number in double:
            payments.append(
                Payment(
                    order=order.model,
                    amount=total,
                    method=order.method,
                    status=Payment.Status.CAPTURED,
                    created_at=at
                    + timedelta(minutes=rng.randint(2, 7), seconds=rng.randint(0, 59)),
                    reference=_reference(rng, order.method, used),
                )
            )
        if refunded:
            assert order.cancelled_at is not None
            done = order.cancelled_at + timedelta(hours=rng.randint(1, 20))
            expected = _at(_add_working_days(_local_day(order.cancelled_at), 5), 23.0)
            complete = done < anchor
            refunds.append(
                Refund(
                    order=order.model,
                    amount=total,
                    method=Refund.Method.ORIGINAL_PAYMENT,
                    status=Refund.Status.COMPLETED if complete else Refund.Status.PROCESSING,
                    reason=f"Order cancelled: {order.cancel_reason}",
                    decided_by="system",
                    idempotency_key=f"demo:cancel:{order.number}",
                    created_at=order.cancelled_at,
                    expected_by=expected,
                    completed_at=done if complete else None,
                )
            )
    return payments, refunds


def _s10(prefix: str, digits: str) -> str:
    """A Royal Mail (UPU S10) number with its real check digit."""
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    check = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{prefix}{digits}{check}GB"


def _tracking_number(rng: random.Random, carrier: str, used: set[str]) -> str:
    while True:
        if carrier == "royal_mail":
            number = _s10(rng.choice(["TT", "QF", "RT", "WL"]), f"{rng.randrange(10**8):08d}")
        elif carrier == "evri":
            letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
            number = f"H{rng.randint(0, 9)}{rng.randint(0, 9)}{letters}{rng.randrange(10**10):010d}"
        elif carrier == "dpd":
            number = f"1550{rng.randrange(10**10):010d}"
        elif carrier == "dhl":
            number = f"{rng.randint(1, 9)}{rng.randrange(10**9):09d}"
        else:
            number = f"1Z8V42E6{rng.choice(['01', '03', '11', '65'])}{rng.randrange(10**8):08d}"
        if number not in used:
            used.add(number)
            return number


def _materialise_shipments(
    rng: random.Random, orders: list[_Order], used: set[str]
) -> tuple[list[Shipment], list[TrackingEvent]]:
    shipments: list[Shipment] = []
    events: list[TrackingEvent] = []
    for order in orders:
        if not order.scans or order.status not in {"shipped", "delivered"}:
            continue
        assert order.model is not None
        shipment = Shipment(
            order=order.model,
            carrier=order.carrier,
            tracking_number=_tracking_number(rng, order.carrier, used),
            promised_by=order.promised_by,
            created_at=order.scans[0].at,
        )
        shipments.append(shipment)
        for scan in order.scans:
            events.append(
                TrackingEvent(
                    shipment=shipment,
                    at=scan.at,
                    status=scan.status,
                    exception=scan.exception,
                    carrier_code=scan.code,
                    location=scan.location,
                    detail=scan.detail,
                )
            )
    return shipments, events


# ---- returns and refunds ----

FIT_REASONS = ("Too small", "Too big")
OTHER_REASONS = (
    "Changed my mind",
    "Not as pictured",
    "Doesn't suit me",
    "Faulty",
    "Ordered more than one size",
    "Arrived too late",
)


def _plan_returns(
    rng: random.Random,
    anchor: datetime,
    orders: list[_Order],
    item_of: dict[tuple[str, str], OrderItem],
    style_of: dict[int, Style],
    variants: list[Variant],
    tracking_used: set[str],
) -> tuple[list[Return], list[ReturnItem], list[Refund]]:
    by_product: dict[int, list[Variant]] = {}
    for variant in variants:
        by_product.setdefault(id(variant.product), []).append(variant)
    returns: list[Return] = []
    return_items: list[ReturnItem] = []
    refunds: list[Refund] = []
    late_requests = 0

    for order in orders:
        if order.status != OrderStatus.DELIVERED or order.delivered_at is None:
            continue
        returnable = [(v, q) for v, q in order.lines if not v.final_sale]
        if not returnable:
            continue
        since = anchor - order.delivered_at
        if since < timedelta(days=1) or rng.random() >= 0.1:
            continue
        assert order.model is not None
        created = order.delivered_at + timedelta(
            days=min(rng.expovariate(1 / 5), 27), hours=rng.uniform(1, 8)
        )
        out_of_window = False
        if late_requests < 4 and since > timedelta(days=40) and rng.random() < 0.3:
            created = order.delivered_at + timedelta(
                days=rng.randint(33, 39), hours=rng.uniform(1, 8)
            )
            out_of_window = True
        created = created.replace(microsecond=0)
        if created >= anchor - timedelta(hours=2):
            continue

        # What goes back: everything returnable, or a part of it.
        lines = list(returnable)
        whole_order = len(lines) == len(order.lines)
        if len(lines) > 1 and rng.random() < 0.5:
            lines = rng.sample(lines, rng.randint(1, len(lines) - 1))
            whole_order = False
        elif len(lines) == 1 and lines[0][1] > 1 and rng.random() < 0.5:
            lines = [(lines[0][0], 1)]
            whole_order = False
        # A partial return keeps final-sale lines, which can't come back.
        ordered = {v.sku: q for v, q in order.lines}
        full = whole_order and all(q == ordered[v.sku] for v, q in lines)

        style = style_of[id(lines[0][0].product)]
        if style.sizes != "one" and rng.random() < 0.6:
            reason = {"small": "Too small", "large": "Too big"}.get(
                style.runs, rng.choice(FIT_REASONS)
            )
            if rng.random() < 0.25:
                reason = rng.choice(FIT_REASONS)
        else:
            reason = rng.choice(OTHER_REASONS)
        if reason in FIT_REASONS:
            resolution = rng.choices(["exchange", "refund", "store_credit"], weights=[50, 38, 12])[
                0
            ]
        else:
            resolution = rng.choices(["refund", "store_credit"], weights=[80, 20])[0]

        number = f"R-{order.number}"
        region = _region(order.address.country)
        carrier = {"GB": rng.choice(["royal_mail", "evri"]), "IE": "dhl", "EU": "dhl", "US": "ups"}[
            region
        ]
        ret = Return(
            order=order.model,
            number=number,
            resolution=resolution,
            reason=reason,
            carrier=carrier,
            tracking_number=_tracking_number(rng, carrier, tracking_used),
            idempotency_key=f"demo:return:{order.number}",
            created_at=created,
        )
        items = []
        for variant, quantity in lines:
            exchange_for = None
            if resolution == "exchange":
                exchange_for = _exchange_variant(variant, reason, by_product[id(variant.product)])
            items.append(
                ReturnItem(
                    return_request=ret,
                    order_item=item_of[(order.number, variant.sku)],
                    quantity=quantity,
                    exchange_for=exchange_for,
                )
            )
        if resolution == "exchange" and any(i.exchange_for is None for i in items):
            ret.resolution = resolution = "refund"
            for item in items:
                item.exchange_for = None
        amount = sum((v.price * q for v, q in lines), Decimal(0))
        if full and created - order.delivered_at <= timedelta(days=14):
            standard = SHIPPING[(region, "standard")][0]
            amount += min(order.shipping_cost, standard)

        if out_of_window:
            late_requests += 1
            ret.status = Return.Status.AWAITING_APPROVAL
            ret.carrier = ret.tracking_number = ""
            ret.reason = (
                f"{reason} (asked {(created - order.delivered_at).days} days after delivery)"
            )
            returns.append(ret)
            return_items.extend(items)
            continue  # the order stays delivered until someone approves it

        posted = created + timedelta(hours=rng.uniform(10, 70))
        received_day = _add_working_days(_local_day(posted), rng.randint(2, 3))
        received = _clock(rng, received_day, 9.0, 16.0)
        processed = received + timedelta(hours=rng.uniform(3, 40))
        if anchor <= posted:
            ret.status = Return.Status.LABEL_SENT
        elif anchor <= received:
            ret.status = Return.Status.IN_TRANSIT
        else:
            ret.received_at = received
            if anchor <= processed:
                ret.status = Return.Status.RECEIVED
            elif resolution == "exchange":
                ret.status = Return.Status.CLOSED
            else:
                ret.status = Return.Status.REFUNDED
                refunds.append(_return_refund(rng, anchor, order, ret, amount, received, processed))
        returns.append(ret)
        return_items.extend(items)
        order.model.status = OrderStatus.RETURNED if full else OrderStatus.PARTIALLY_RETURNED
        order.status = order.model.status
    return returns, return_items, refunds


def _exchange_variant(variant: Variant, reason: str, siblings: list[Variant]) -> Variant | None:
    colour = variant.options.get("colour")
    same_colour = [v for v in siblings if v.options.get("colour") == colour and not v.final_sale]
    index = next((i for i, v in enumerate(same_colour) if v.sku == variant.sku), None)
    if index is None:
        return None
    step = 1 if reason == "Too small" else -1
    target = index + step
    if 0 <= target < len(same_colour):
        return same_colour[target]
    return None


def _return_refund(
    rng: random.Random,
    anchor: datetime,
    order: _Order,
    ret: Return,
    amount: Decimal,
    received: datetime,
    processed: datetime,
) -> Refund:
    assert order.model is not None
    # What the refund-timings article promises: card and wallets 3-5 working days after
    # we receive the return, PayPal 1-2, store credit at once.
    paypal = order.method == "paypal"
    expected = _at(_add_working_days(_local_day(received), 2 if paypal else 5), 23.0)
    if ret.resolution == Return.Resolution.STORE_CREDIT:
        method, settled = Refund.Method.STORE_CREDIT, processed
    else:
        method = Refund.Method.ORIGINAL_PAYMENT
        days = rng.randint(1, 2) if paypal else rng.randint(3, 5)
        settled = _clock(rng, _add_working_days(_local_day(received), days), 6.0, 12.0)
        settled = max(settled, processed + timedelta(hours=2))
    complete = settled < anchor
    return Refund(
        order=order.model,
        return_request=ret,
        amount=_money(amount),
        method=method,
        status=Refund.Status.COMPLETED if complete else Refund.Status.PROCESSING,
        reason=f"Return {ret.number}: {ret.reason}",
        decided_by="warehouse",
        idempotency_key=f"demo:refund:{ret.number}",
        created_at=processed.replace(microsecond=0),
        expected_by=None if method == Refund.Method.STORE_CREDIT else expected,
        completed_at=settled.replace(microsecond=0) if complete else None,
    )


# ---- loyalty ----


def _plan_loyalty(
    rng: random.Random,
    anchor: datetime,
    customers: list[_Customer],
    returns: list[Return],
    return_items: list[ReturnItem],
) -> list[LoyaltyTransaction]:
    returned_value: dict[int, Decimal] = {}
    for item in return_items:
        ret = item.return_request
        if ret.status == Return.Status.REFUNDED and ret.resolution != Return.Resolution.EXCHANGE:
            returned_value[id(ret)] = returned_value.get(id(ret), Decimal(0)) + (
                item.order_item.unit_price * item.quantity
            )
    returns_by_order: dict[str, Return] = {r.order.number: r for r in returns}
    refund_time = {id(r): (r.received_at or r.created_at) + timedelta(hours=20) for r in returns}

    transactions: list[LoyaltyTransaction] = []
    for customer in customers:
        if not customer.member:
            continue
        model = customer.model
        heap: list[tuple[datetime, int, int, str, Order | None]] = []
        tie = 0
        heapq.heappush(
            heap, (model.created_at, tie, 100, "Welcome bonus for joining rewards", None)
        )
        for order in customer.orders:
            if order.status in {"pending", "processing", "cancelled"} or not order.scans:
                continue
            assert order.model is not None
            tie += 1
            points = int(order.subtotal)
            heapq.heappush(
                heap,
                (order.scans[0].at, tie, points, f"Points for order {order.number}", order.model),
            )
            ret = returns_by_order.get(order.number)
            if ret is not None and id(ret) in returned_value:
                tie += 1
                heapq.heappush(
                    heap,
                    (
                        min(refund_time[id(ret)], anchor - timedelta(minutes=5)),
                        tie,
                        -int(returned_value[id(ret)]),
                        f"Points reversed for return {ret.number}",
                        order.model,
                    ),
                )
        balance = 0
        while heap:
            at, _, points, reason, order_model = heapq.heappop(heap)
            if reason == "redeem":
                if balance < 500:
                    continue
                points, reason = -500, "Redeemed 500 points for a £5 reward voucher"
            elif points < 0:
                points = -min(-points, balance)
                if points == 0:
                    continue
            balance += points
            transactions.append(
                LoyaltyTransaction(
                    customer=model,
                    points=points,
                    reason=reason,
                    order=order_model,
                    created_at=at.replace(microsecond=0),
                )
            )
            if points > 0 and balance >= 500 and rng.random() < 0.3:
                redeem_at = at + timedelta(hours=rng.uniform(2, 96))
                if redeem_at < anchor:
                    tie += 1
                    heapq.heappush(heap, (redeem_at, tie, 0, "redeem", None))
    return transactions


# ---- reviews ----

# fmt: off
FIT_LINES = {
    "small": (
        "Runs small, so I'd size up.", "Lovely, but it runs small: I had to size up.",
        "Definitely runs small. Order a size up.", "Came up small, so I exchanged it for the next size up.",
        "Runs small compared to other brands. Size up.",
    ),
    "large": (
        "Runs large; size down if you're between sizes.", "Generous fit: it runs large, so I went down a size.",
        "Came up big, so I'd size down.", "Runs large. I'm usually a medium and the small fits.",
    ),
    "true": ("True to size.", "Fits true to size.", "My usual size fits perfectly, true to size.",
             "True to size for me."),
}
FOOTWEAR_FIT = {
    "small": ("Runs small: I'm a UK 8 everywhere else and needed a 9. Size up.",
              "Runs small and narrow. I'd size up."),
    "large": ("Runs large: I went down a size and they're perfect.",
              "Came up big, so size down if you're between sizes."),
    "true": ("True to size: my usual UK size fits perfectly.", "True to size and true to width."),
}
COMFORT = {
    "apparel": ("Really comfortable; I wore it all day.", "Soft and comfortable from the first wear.",
                "Comfortable, and easy to dress up or down.", "Comfy, though a little warm indoors."),
    "footwear": ("Comfortable straight out of the box.",
                 "Took a week or so to break in, now very comfortable.",
                 "Good support; I walk miles in them.", "Rubbed my heel for the first few wears."),
    "accessories": ("Easy to use every day.", "Looks smart and feels sturdy.",
                    "Exactly what I was after.", "Does the job nicely."),
}
QUALITY_GOOD = ("Great quality for the price.", "Well made; the stitching is neat.",
                "Washed and worn plenty and still looks new.", "Feels like it will last years.",
                "Lovely colour, just like the photos.")
QUALITY_BAD = ("Started pilling after a few washes.", "The colour faded quicker than I'd like.",
               "A seam came loose after a month.", "Not the quality I expected at this price.",
               "The colour isn't what the photos show.")
TITLES = {
    5: ("Love it", "Brilliant", "Perfect", "Would buy again", "Best purchase this year"),
    4: ("Really good", "Very pleased", "Nice, but check the sizing", "Great, with one niggle"),
    3: ("Okay", "Mixed feelings", "Decent but not amazing"),
    2: ("Disappointed", "Not for me"),
    1: ("Poor quality", "Sent it back"),
}
# fmt: on


def _plan_reviews(
    rng: random.Random,
    anchor: datetime,
    products: list[Product],
    style_of: dict[int, Style],
    customers: list[_Customer],
) -> list[Review]:
    reviewers = [c for c in customers if c.orders]
    reviews: list[Review] = []
    for product in products:
        style = style_of[id(product)]
        for _ in range(rng.randint(3, 8)):
            rating = rng.choices([1, 2, 3, 4, 5], weights=[4, 6, 12, 33, 45])[0]
            sentences: list[str] = []
            if style.sizes != "one":
                lines = FOOTWEAR_FIT if product.category == "footwear" else FIT_LINES
                roll = rng.random()
                if roll < 0.75:
                    sentences.append(rng.choice(lines[style.runs]))
                elif roll < 0.9:
                    sentences.append(rng.choice(lines["true"]))
            if style.notes and rng.random() < 0.5:
                sentences.append(rng.choice(style.notes))
            sentences.append(rng.choice(COMFORT[product.category]))
            sentences.append(rng.choice(QUALITY_BAD if rating <= 2 else QUALITY_GOOD))
            reviewer = rng.choice(reviewers)
            since = reviewer.model.created_at
            start = max(since, anchor - timedelta(days=365))
            written = start + (anchor - start) * rng.random()
            reviews.append(
                Review(
                    product=product,
                    customer=reviewer.model,
                    rating=rating,
                    title=rng.choice(TITLES[rating]),
                    body=" ".join(sentences),
                    created_at=written.replace(microsecond=0),
                )
            )
    return reviews


# ---- promotions ----


def _plan_codes(anchor: datetime) -> list[DiscountCode]:
    codes = []
    for spec in _DISCOUNT_CODES:
        codes.append(
            DiscountCode(
                code=spec["code"],
                kind=spec["kind"],
                value=Decimal(spec["value"]),
                min_order_total=Decimal(spec.get("min_order_total", "0")),
                category=spec.get("category", ""),
                valid_from=anchor + timedelta(days=spec["from_days"])
                if "from_days" in spec
                else None,
                valid_until=anchor + timedelta(days=spec["until_days"])
                if "until_days" in spec
                else None,
                usage_limit=spec.get("usage_limit"),
                times_used=spec.get("times_used", 0),
                excludes_sale_items=spec.get("excludes_sale_items", False),
                active=spec.get("active", True),
                description=spec["description"],
            )
        )
    return codes


# ---- example shoppers for the summary ----


def _pick_examples(anchor: datetime, orders: list[_Order]) -> list[ExampleShopper]:
    chosen: list[ExampleShopper] = []
    seen: set[str] = set()

    def take(story: str, candidates: list[_Order]) -> None:
        for order in candidates:
            customer = order.customer.model
            if customer.email in seen or not customer.phone or order.address.country != "GB":
                continue
            seen.add(customer.email)
            chosen.append(
                ExampleShopper(
                    story,
                    customer.name,
                    customer.email,
                    customer.phone,
                    order.number,
                    order.address.postcode,
                )
            )
            return

    newest_first = sorted(orders, key=lambda o: o.number, reverse=True)
    in_transit = [
        o
        for o in newest_first
        if o.status == "shipped"
        and not o.special
        and o.scans[-1].status == "in_transit"
        and o.promised_by
        and o.promised_by > anchor
    ]
    take("in transit", sorted(in_transit, key=lambda o: len(o.scans) < 4))
    take(
        "delivered",
        [
            o
            for o in newest_first
            if o.status == "delivered"
            and o.delivered_at
            and timedelta(days=2) < anchor - o.delivered_at < timedelta(days=10)
            and not any(v.final_sale for v, _ in o.lines)
            and not o.special
        ],
    )
    take(
        "shipment exception",
        [o for o in newest_first if o.special == "address_issue" and o.status == "shipped"]
        + [o for o in newest_first if o.special in ExceptionKind.values and o.status == "shipped"],
    )
    return chosen


# --------------------------------------------------------------------------------------
# Reading and writing the store
# --------------------------------------------------------------------------------------


def _demo_customers():
    return Customer.objects.filter(tags__contains=[DEMO_TAG])


def _store_fingerprint() -> str | None:
    emails = list(_demo_customers().values_list("email", flat=True))
    if not emails:
        return None
    orders = list(
        Order.objects.filter(customer__in=_demo_customers()).values_list("number", "placed_at")
    )
    return _fingerprint(emails, orders)


def _catalogue_is_present(plan: _Plan) -> bool:
    skus = [v.sku for v in plan.variants]
    slugs = [a.slug for a in plan.articles]
    return Variant.objects.filter(sku__in=skus).count() == len(skus) and Article.objects.filter(
        slug__in=slugs
    ).count() == len(slugs)


def _store_is_complete(plan: _Plan) -> bool:
    """The catalogue is there, the demo customers have their payment methods and the
    agents their canned responses in every language (a store seeded before either
    existed is seeded again)."""
    canned = Q()
    for (shortcut, _), texts in CANNED_RESPONSES.items():
        canned |= Q(shortcut=shortcut, language__in=list(texts))
    return (_catalogue_is_present(plan)
            and PaymentMethod.objects.filter(customer__in=_demo_customers()).exists()
            and CannedResponse.objects.filter(canned).count() == len(_canned_responses()))


def _delete_demo_customers() -> None:
    customers = _demo_customers()
    orders = Order.objects.filter(customer__in=customers)
    numbers = list(orders.values_list("number", flat=True))
    Refund.objects.filter(order__in=orders).delete()
    ReturnItem.objects.filter(return_request__order__in=orders).delete()
    Return.objects.filter(order__in=orders).delete()
    TrackingEvent.objects.filter(shipment__order__in=orders).delete()
    Shipment.objects.filter(order__in=orders).delete()
    Payment.objects.filter(order__in=orders).delete()
    LoyaltyTransaction.objects.filter(customer__in=customers).delete()
    OrderItem.objects.filter(order__in=orders).delete()
    # The bot's action log is keyed by order number; the new demo reuses the numbers, so
    # an old "already refunded 100123" must not block the new order 100123.
    ActionRecord.objects.filter(order_number__in=numbers).delete()
    orders.delete()
    customers.delete()
    _analyze()


def _embeddings(plan: _Plan, stdout: TextIO | None) -> tuple[list[list[float]], list[list[float]]]:
    """Vectors for the plan's products and articles. The model gives the same vector for
    the same text, so a stored vector whose text hasn't changed is reused, and a re-seed
    that changes no text never loads the model."""
    known: dict[str, list[float]] = {}
    for product in Product.objects.filter(slug__in=[p.slug for p in plan.products]):
        if product.embedding is not None:
            known[_product_text(product)] = [float(x) for x in product.embedding]
    for article in Article.objects.filter(slug__in=[a.slug for a in plan.articles]):
        if article.embedding is not None:
            known[_article_text(article)] = [float(x) for x in article.embedding]
    texts = [_product_text(p) for p in plan.products] + [_article_text(a) for a in plan.articles]
    missing = sorted({t for t in texts if t not in known})
    if missing:
        # Lazy: the encoder brings torch, needed only when a text has no embedding yet.
        from core.encoder import embed_texts

        _say(stdout, f"Embedding {len(missing)} product and article texts…")
        known.update(zip(missing, embed_texts(missing), strict=True))
    vectors = [known[t] for t in texts]
    return vectors[: len(plan.products)], vectors[len(plan.products) :]


def _write(
    plan: _Plan, product_vectors: list[list[float]], article_vectors: list[list[float]]
) -> None:
    for product, vector in zip(plan.products, product_vectors, strict=True):
        product.embedding = vector
    Product.objects.bulk_create(
        plan.products,
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=["name", "category", "kind", "description", "material", "care", "embedding"],
    )
    Variant.objects.bulk_create(
        plan.variants,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["sku"],
        update_fields=["product", "options", "price", "stock", "final_sale"],
    )
    Review.objects.filter(product__in=plan.products).delete()
    for article, vector in zip(plan.articles, article_vectors, strict=True):
        article.embedding = vector
    Article.objects.bulk_create(
        plan.articles,
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=["title", "topic", "body", "translations", "embedding"],
    )
    DiscountCode.objects.bulk_create(
        plan.codes,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "kind",
            "value",
            "min_order_total",
            "category",
            "valid_from",
            "valid_until",
            "usage_limit",
            "times_used",
            "excludes_sale_items",
            "active",
            "description",
        ],
    )
    if not ShopPolicy.objects.exists():
        ShopPolicy.objects.create()
    # Added where missing: a canned response the shop has reworded keeps its words.
    CannedResponse.objects.bulk_create(_canned_responses(), ignore_conflicts=True)

    for model, rows in (
        (Customer, plan.customers),
        (Review, plan.reviews),
        (PaymentMethod, plan.payment_methods),
        (Order, plan.orders),
        (OrderItem, plan.items),
        (Payment, plan.payments),
        (Shipment, plan.shipments),
        (TrackingEvent, plan.events),
        (Return, plan.returns),
        (ReturnItem, plan.return_items),
        (Refund, plan.refunds),
        (LoyaltyTransaction, plan.loyalty),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    shipments_watch_refresh([s.pk for s in plan.shipments])
    _analyze()


# The tables the demo fills in bulk. Right after thousands of rows arrive (or leave),
# often inside one transaction that autovacuum never sees, PostgreSQL's statistics still
# describe the tables as they were, and it can pick a plan that runs for many minutes (a
# nested loop over a "tiny" table) for the summary's counts or the next seed's deletes.
DEMO_TABLES = (Customer, PaymentMethod, Order, OrderItem, Payment, Shipment, TrackingEvent,
               Return, ReturnItem, Refund, LoyaltyTransaction, Review, Variant, Product)


def _analyze() -> None:
    with connection.cursor() as cursor:
        for model in DEMO_TABLES:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def _summary(action: str, plan: _Plan, started: float) -> DemoSummary:
    customers = _demo_customers()
    orders = Order.objects.filter(customer__in=customers)
    shipments = Shipment.objects.filter(order__in=orders)
    products = Product.objects.filter(slug__in=[p.slug for p in plan.products])
    variants = Variant.objects.filter(product__in=products)
    counts = {
        "products": products.count(),
        "variants": variants.count(),
        "variants out of stock": variants.filter(stock=0).count(),
        "final-sale variants": variants.filter(final_sale=True).count(),
        "reviews": Review.objects.filter(product__in=products).count(),
        "customers": customers.count(),
        "VIP customers": customers.filter(tags__contains=["vip"]).count(),
        "orders": orders.count(),
        "payments": Payment.objects.filter(order__in=orders).count(),
        "shipments": shipments.count(),
        "tracking events": TrackingEvent.objects.filter(shipment__in=shipments).count(),
        "returns": Return.objects.filter(order__in=orders).count(),
        "refunds": Refund.objects.filter(order__in=orders).count(),
        "loyalty transactions": LoyaltyTransaction.objects.filter(customer__in=customers).count(),
        "discount codes": DiscountCode.objects.filter(
            code__in=[c.code for c in plan.codes]
        ).count(),
        "articles": Article.objects.filter(slug__in=[a.slug for a in plan.articles]).count(),
    }
    statuses = dict(orders.values_list("status").annotate(n=Count("id")).order_by("status"))
    carriers = dict(shipments.values_list("carrier").annotate(n=Count("id")).order_by("carrier"))
    latest: dict[int, tuple[str, str]] = {}
    for shipment_id, status, exception in (
        TrackingEvent.objects.filter(shipment__order__in=orders.filter(status=OrderStatus.SHIPPED))
        .order_by("shipment_id", "at", "id")
        .values_list("shipment_id", "status", "exception")
    ):
        latest[shipment_id] = (status, exception)
    last_scans = Counter(status for status, _ in latest.values())
    exceptions = Counter(exception for status, exception in latest.values() if exception)
    return DemoSummary(
        action=action,
        seed=plan.seed,
        anchor=plan.anchor,
        counts=counts,
        order_statuses={s: statuses.get(s, 0) for s in OrderStatus.values},
        exception_kinds={k: exceptions.get(k, 0) for k in ExceptionKind.values},
        shipped_last_scans={s: last_scans.get(s, 0) for s in ShipmentStatus.values},
        carriers=carriers,
        examples=plan.examples,
        seconds=time.perf_counter() - started,
    )

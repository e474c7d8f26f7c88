"""Idempotent demo data: the catalogue (from migrations), one account per role, a business with
products, documents, photos, a few bookings at different steps, the store's materials and an
outreach trip next week. Refuses to run without DEBUG."""
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts import services as account_services
from accounts.models import Business, District, User
from accounts.roles import Role
from bookings import services as booking_services
from bookings.demo import generate_bookings
from bookings.models import Booking, Service
from core.uploads import encode_image
from materials.demo import seed_store
from outreach.demo import seed_trip
from payments.demo import seed_payments
from products import services as product_services
from products.models import Product
from reports import rollup
from reports.demo import generate_surveys

PASSWORD = "rumahkemasan"
ACCOUNTS = [
    ("pemilik", "Ina Latuconsina", Role.OWNER),
    ("petugas", "Yohanes Pattiasina", Role.STAFF),
    ("admin", "Admin Rumah Kemasan", Role.ADMIN),
    ("kepala", "Kepala UPTD PLUT", Role.MANAGER),
    ("bendahara", "Maria Tuhumury", Role.TREASURER),
]


def demo_photo(colour: str, text: str):
    image = Image.new("RGB", (800, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((250, 120, 550, 480), fill="#f5efe0", outline="#333", width=6)
    draw.text((280, 280), text, fill="#222")
    return encode_image(image)


class Command(BaseCommand):
    help = "Create demo data (idempotent). Only with DJANGO_DEBUG on."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bookings", type=int, default=0,
            help="Also make sure at least this many generated bookings (with histories) exist, for benchmarks.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with a known password; it runs only with DJANGO_DEBUG=true.")
        with transaction.atomic():
            users = {username: self.account(username, name, role) for username, name, role in ACCOUNTS}
            first_time = self.demo_business(users["pemilik"], users["petugas"])
            if first_time:
                self.demo_money_and_store(users["pemilik"], users["petugas"], users["bendahara"])
        if options["bookings"]:
            existing = Booking.objects.filter(business__owner__username__startswith="demo-owner-").count()
            missing = max(0, options["bookings"] - existing)
            if missing:
                self.stdout.write(f"Generating {missing} bookings with their histories…")
                generate_bookings(missing, seed=existing + 1, stdout=self.stdout)
                generated = Booking.objects.filter(business__owner__username__startswith="demo-owner-")
                self.stdout.write(f"  {generate_surveys(generated, seed=existing + 1)} survey answers")
                # The generator writes in bulk, past the services (and their hook): rebuild the report's roll-up.
                counts = rollup.rebuild()
                self.stdout.write(f"  report facts: {counts['bookings']} bookings, {counts['stages']} stage times")
        self.stdout.write(self.style.SUCCESS("Demo accounts (password: %s):" % PASSWORD))
        for username, _name, role in ACCOUNTS:
            self.stdout.write(f"  {username:<9} {Role(role).label}")

    def account(self, username, name, role):
        user = User.objects.filter(username=username).first()
        if user is None:
            # The owner's number is the one on the demo business; each office account has its own
            # (a WhatsApp number belongs to one owner).
            phone = "+6281234567890" if role == Role.OWNER else f"+6281234{sum(map(ord, username)):05d}"
            user = account_services.user_register(
                username=username, name=name, phone=phone, email=f"{username}@example.org", password=PASSWORD
            )
            if role != Role.OWNER:
                user.groups.clear()
                user.owner_phone.delete()
        account_services.user_set_role(user=user, role=role)
        return user

    def demo_money_and_store(self, owner, staff, treasurer):
        """The store's materials with their stock, and a sablon print job paid half in cash."""
        seed_store(actor=staff)
        seed_trip(staff=staff)
        product = Product.objects.filter(business__owner=owner).order_by("pk").last()
        sablon = Service.objects.get(slug="sablon")
        job = booking_services.booking_submit(actor=owner, product=product, service=sablon, quantity=150,
                                              notes="Sablon logo di tas kain.")
        booking_services.booking_verify(booking=job, actor=staff)
        seed_payments(booking=job, treasurer=treasurer)

    def demo_business(self, owner, staff):
        if Business.objects.filter(owner=owner).exists():
            return None
        ambon = District.objects.get(name="Kota Ambon")
        business = account_services.business_save(
            business=Business(
                name="Sagu Lempeng Mama Ina",
                owner_name=owner.name,
                owner_gender=Business.Gender.FEMALE,
                nib="9120001234567",
                address="Jl. Sultan Hairun No. 5, Honipopu, Sirimau",
                district=ambon,
                phone="+6281234567890",
                sector=Business.Sector.FOOD,
                scale=Business.Scale.MICRO,
            ),
            owner=owner,
        )
        sagu = product_services.product_save(
            business=business,
            product=Product(
                name="Sagu Lempeng Kenari",
                category=Product.Category.FOOD,
                description="Sagu lempeng renyah dengan kenari Banda.",
                ingredients="Tepung sagu, kenari, gula aren, garam",
                main_ingredient="Tepung sagu",
                main_ingredient_percent=70,
                net_content=250,
                net_content_unit=Product.NetUnit.GRAM,
                shelf_life_days=90,
                storage_instructions="Simpan di tempat kering dan sejuk",
                production_code_format="P-DDMMYY",
                packaging_material="2",
                length_mm=200,
                width_mm=140,
                height_mm=40,
            ),
        )
        kopi = product_services.product_save(
            business=business,
            product=Product(
                name="Kopi Rempah Banda",
                category=Product.Category.BEVERAGE,
                ingredients="Kopi robusta, pala, cengkih, kayu manis",
                net_content=200,
                net_content_unit=Product.NetUnit.GRAM,
                packaging_material="2",
            ),
        )
        product_services.photos_add(product=sagu, photos=[demo_photo("#c9a66b", "Sagu Lempeng"), demo_photo("#8f5e2e", "Kenari")])
        product_services.photos_add(product=kopi, photos=[demo_photo("#4b2e1e", "Kopi Rempah")])
        today = timezone.localdate()
        account_services.document_add(business=business, kind="nib", number="9120001234567", is_pending=False)
        account_services.document_add(
            business=business, product=sagu, kind="pirt", number="2068171010123-29", is_pending=False,
            issued_on=today - datetime.timedelta(days=400), expires_on=today + datetime.timedelta(days=1400),
        )
        account_services.document_add(business=business, product=sagu, kind="halal", number="", is_pending=True)
        account_services.document_add(
            business=business, product=kopi, kind="pirt", number="2068171010456-29", is_pending=False,
            issued_on=today - datetime.timedelta(days=1790), expires_on=today + datetime.timedelta(days=30),
        )

        pouch = Service.objects.get(slug="kemasan-standing-pouch")
        label = Service.objects.get(slug="desain-label-merek")
        consult = Service.objects.get(slug="konsultasi-kemasan")
        first = booking_services.booking_submit(actor=owner, product=sagu, service=pouch, quantity=500, notes="Warna hijau dan kuning, ada foto pantai.")
        second = booking_services.booking_submit(actor=owner, product=kopi, service=label, quantity=1)
        done = booking_services.booking_submit(actor=owner, product=kopi, service=consult, quantity=1)
        booking_services.booking_verify(booking=second, actor=staff, override_reason="Merek sedang didaftarkan; desain boleh dimulai.")
        booking_services.booking_verify(booking=done, actor=staff)
        booking_services.booking_transition(booking=done, actor=staff, name="complete_consultation")
        design = Service.objects.get(slug="desain-kemasan")
        proofing = booking_services.booking_submit(actor=owner, product=sagu, service=design, quantity=1)
        booking_services.booking_verify(booking=proofing, actor=staff)
        booking_services.booking_assign(booking=proofing, actor=staff, assignee=staff)
        booking_services.booking_transition(booking=proofing, actor=staff, name="start_design")
        booking_services.proof_send(
            booking=proofing, actor=staff, file=demo_photo("#2e7d5b", "Draf v1: Sagu Lempeng"),
            note="Draf pertama: hijau dan kuning, foto pantai di belakang.",
        )
        return first

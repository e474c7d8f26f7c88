import factory
from django.contrib.auth.models import Group

from accounts.models import Business, District, LegalityDocument, User
from accounts.roles import Role
from bookings.models import Service
from products.models import Product


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Faker("name", locale="id_ID")
    phone = "+6281234567890"
    password = factory.PostGenerationMethodCall("set_password", "rahasia-panjang-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create:
            role = extracted or Role.OWNER
            self.groups.add(Group.objects.get(name=role))
            if role == Role.ADMIN:
                self.is_staff = True
            self.save()


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Usaha {n}")
    owner_name = factory.Faker("name", locale="id_ID")
    address = "Jl. Pattimura No. 1, Ambon"
    district = factory.LazyFunction(lambda: District.objects.get(name="Kota Ambon"))
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    sector = Business.Sector.FOOD
    scale = Business.Scale.MICRO


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Produk {n}")
    category = Product.Category.FOOD
    ingredients = "Tepung sagu, gula aren"
    net_content = 250
    net_content_unit = Product.NetUnit.GRAM
    shelf_life_days = 90
    production_code_format = "P-DDMMYY"
    packaging_material = "2"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegalityDocument

    business = factory.SubFactory(BusinessFactory)
    kind = "pirt"
    number = "206817101012329"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Layanan {n}")
    slug = factory.Sequence(lambda n: f"layanan-{n}")
    description = "Uji"
    unit = Service.Unit.PIECE
    fee_mode = Service.FeeMode.COST_RECOVERY
    tariff = 2500
    minimum_order = 100
    lead_time_days = 10
    daily_capacity = 500

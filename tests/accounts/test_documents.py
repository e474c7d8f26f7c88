"""Deleting a legality document: the owner's own only, and its scan goes with it after commit."""
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from accounts.models import LegalityDocument
from tests.factories import DocumentFactory


def test_owner_deletes_a_document_and_its_scan(client, owner, business, django_capture_on_commit_callbacks):
    document = DocumentFactory(business=business)
    document.scan.save("scan.pdf", ContentFile(b"%PDF-1.4 x"))
    name = document.scan.name
    assert default_storage.exists(name)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:document_delete", kwargs={"public_id": document.public_id}))
    assert response.status_code == 302 and response.url == business.get_absolute_url()
    assert not LegalityDocument.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(name)


def test_another_owner_cannot_delete_it(client, other_owner, business):
    document = DocumentFactory(business=business)
    client.force_login(other_owner)
    response = client.post(reverse("accounts:document_delete", kwargs={"public_id": document.public_id}))
    assert response.status_code == 404
    assert LegalityDocument.objects.filter(pk=document.pk).exists()


def test_the_office_cannot_delete_an_owners_document(client, staff, admin_user, business):
    document = DocumentFactory(business=business)
    for person in (staff, admin_user):
        client.force_login(person)
        response = client.post(reverse("accounts:document_delete", kwargs={"public_id": document.public_id}))
        assert response.status_code == 403
    assert LegalityDocument.objects.filter(pk=document.pk).exists()

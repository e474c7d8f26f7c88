"""The endpoint a payment gateway calls. Verified by the provider's signature; every call is logged."""
import logging

from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import gateways, services
from payments.models import WebhookLog

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request, provider):
    if provider not in gateways.GATEWAYS or provider != gateways.get_gateway().name:
        return HttpResponse(status=404)
    body = request.body[:65536]
    headers = {key.lower(): value for key, value in request.headers.items()}
    try:
        note = gateways.get_gateway(provider).verify(headers=headers, body=body, path=request.path)
    except gateways.GatewayError as error:
        WebhookLog.objects.create(provider=provider, verified=False, outcome=str(error)[:40], body=body.decode(errors="replace"))
        logger.warning("Refused %s notification: %s", provider, error)
        return HttpResponseForbidden()
    outcome = services.gateway_notification_apply(order_id=note.order_id, external_ref=note.external_ref,
                                                  amount=note.amount, paid=note.paid)
    WebhookLog.objects.create(provider=provider, verified=True, outcome=outcome, body=body.decode(errors="replace"))
    return JsonResponse({"status": outcome})

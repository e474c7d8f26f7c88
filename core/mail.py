"""An email backend that writes each message to the log (one JSON line with DJANGO_LOG_FORMAT=json).

Used instead of Django's console backend while no mail server is configured (EMAIL_URL unset) and
the logs are JSON: the console backend would print raw MIME text between the JSON lines.
"""
import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("rumah_kemasan.mail")


class LogEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            logger.info(
                "mail not sent (no EMAIL_URL): %s",
                message.subject,
                extra={"mail": {"to": list(message.to), "subject": message.subject, "body": message.body}},
            )
        return len(email_messages)

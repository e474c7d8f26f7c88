"""Workers' broker connection (core/broker_transport.py): a failed acknowledgement reconnects instead of
holding the prefetch slot, and reconnection attempts come every couple of seconds."""
import logging
from contextlib import contextmanager
from unittest import mock

import pytest
from kombu.message import Message
from kombu.transport.redis import get_redis_error_classes
from redis import exceptions as redis_errors

from core import broker_transport
from rumah_kemasan.celery import app as celery_app

logger = logging.getLogger(__name__)


class FakeChannel:
    """Enough of kombu's Redis channel for its QoS: Redis answers the acknowledgement with ``error``."""

    connection_errors = get_redis_error_classes().connection_errors
    unacked_key, unacked_index_key = "unacked", "unacked_index"
    do_restore = False  # kombu restores unacknowledged messages at exit; nothing to restore here

    def __init__(self, error=None):
        self.error, self.closed = error, False
        self.pipeline = mock.MagicMock()
        self.pipeline.zrem.return_value.hdel.return_value.execute.side_effect = error

    @contextmanager
    def conn_or_acquire(self, client=None):
        yield mock.Mock(pipeline=lambda: self.pipeline)


def delivered(channel):
    qos = broker_transport.QoS(channel, prefetch_count=1)
    qos._delivered["tag-1"] = object()
    message = Message(body=b"{}", delivery_tag="tag-1", channel=mock.Mock(no_ack_consumers=None, basic_ack=lambda tag, multiple=False: qos.ack(tag)))
    return qos, message


def test_a_successful_acknowledgement_frees_the_prefetch_slot():
    qos, message = delivered(FakeChannel())
    assert not qos.can_consume()
    message.ack_log_error(logger, FakeChannel.connection_errors)
    assert qos.can_consume()


@pytest.mark.parametrize("error", [redis_errors.TimeoutError("Timeout reading from socket"), redis_errors.ConnectionError("refused")])
def test_an_acknowledgement_lost_to_a_hung_or_down_redis_counts_as_a_lost_connection(error):
    qos, message = delivered(FakeChannel(error))
    # kombu logs and swallows a connection error here (the slot stayed taken: the worker stalled for
    # good); a BrokenPipeError it re-raises, and Celery's consumer then reconnects with a fresh channel.
    with pytest.raises(BrokenPipeError) as raised:
        message.ack_log_error(logger, FakeChannel.connection_errors)
    assert raised.value.__cause__ is error


def test_a_failed_rejection_counts_as_a_lost_connection_too():
    qos, _message = delivered(FakeChannel(redis_errors.TimeoutError("Timeout reading from socket")))
    with pytest.raises(BrokenPipeError):
        qos.reject("tag-1", requeue=False)


def test_a_late_acknowledgement_on_a_connection_already_given_up_does_not_break_the_new_one():
    channel = FakeChannel(redis_errors.ConnectionError("refused"))
    channel.closed = True  # the consumer has reconnected since this message was delivered
    _qos, message = delivered(channel)
    message.ack_log_error(logger, FakeChannel.connection_errors)  # logged, as kombu does, and no reconnection


def test_workers_and_beat_retry_the_broker_at_the_configured_interval(settings):
    conn = broker_transport.Connection("redis://127.0.0.1:1/0", transport=broker_transport.Transport,
                                       transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    with mock.patch("kombu.connection.retry_over_time") as retry:
        conn.ensure_connection(None, None)  # as Celery's consumer and beat call it: no intervals
    _fun, _catch, _args, _kwargs, _errback, _max_retries, start, step, most = retry.call_args.args[:9]
    assert (start, step, most) == (1, 1, 2.0)  # kombu's own default: 2, 4, 6 … 30 s apart


def test_the_celery_app_makes_its_connections_with_these_intervals():
    assert isinstance(celery_app.connection_for_write(), broker_transport.Connection)


def test_closing_a_channel_whose_waiting_brpop_lost_its_connection_closes_the_rest():
    """A worker with a free slot waits in BRPOP; Redis drops the connection while another task runs.
    kombu's close let the error escape, the channel stayed half open and Celery's second close killed
    the worker ("Unrecoverable error")."""
    channel = object.__new__(broker_transport.Channel)  # no connection needed: only close() is exercised
    channel._in_poll = object()
    channel.connection_errors = FakeChannel.connection_errors
    channel._brpop_read = mock.Mock(side_effect=redis_errors.ConnectionError("Connection closed by server."))
    with mock.patch("kombu.transport.redis.Channel.close") as kombu_close:
        channel.close()
    channel._brpop_read.assert_called_once_with()
    kombu_close.assert_called_once_with()

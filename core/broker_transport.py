"""How workers and beat talk to Redis: three corrections to kombu for a broker that fails (issue 11).

1. **A failed acknowledgement counts as a lost connection** (``Transport``).

Workers acknowledge a task after it ran (``task_acks_late``) and take one message at a time
(``worker_prefetch_multiplier`` = 1). kombu's Redis transport keeps a delivered message counted
against that prefetch limit until its acknowledgement (ZREM + HDEL on Redis) succeeds. When Redis
hangs or goes away just as a worker acknowledges a finished task, the acknowledgement fails with a
timeout or a connection error, and ``kombu.Message.ack_log_error`` logs "Couldn't ack" and swallows
the error. The message then holds the prefetch slot for good: the consumer never issues another
BRPOP, so neither kombu's BRPOP health check nor any connection error notices that anything is
wrong, and the worker takes no more work until it is restarted (issue 11; the same stall is
celery/celery#3328 on AMQP). kombu re-raises one error from ``ack_log_error``, ``BrokenPipeError``,
which makes Celery's consumer treat the connection as lost and reconnect.

So here a failed acknowledgement or rejection raises ``BrokenPipeError``: the consumer reconnects as
after a Redis restart, the new channel starts with no message counted against the prefetch limit,
and the message whose acknowledgement was lost goes back to its queue (on the reconnection when
Redis answers, otherwise after the visibility timeout) and runs again. That is harmless because
every task we publish is idempotent (a notification already sent is skipped; see core/broker.py).

Settings select this transport (``CELERY_BROKER_TRANSPORT``) for ``redis://`` and ``rediss://``
broker URLs; it speaks to Redis exactly as kombu's does (TLS comes from the options, not the scheme).

2. **Closing a channel on a dropped connection does not kill the worker** (``Channel.close``).
A worker with a free slot waits in BRPOP; when Redis drops that connection while another task is
still running, kombu's close raised and Celery then died on a second close ("Unrecoverable error":
the thread-pool workers of the Procfile exited whenever Redis stopped under load).

3. **Reconnection is retried every few seconds** (``Connection``, installed through ``AMQP`` in
rumah_kemasan/celery.py). Celery's consumer and beat call ``ensure_connection()`` without
intervals, so kombu's defaults apply: 2, 4, 6 … up to 30 s between attempts. After a 30 s outage the
next attempt could come 12 s after Redis is back, and the relay's run later still. kombu already
reads ``interval_start``, ``interval_step`` and ``interval_max`` from the transport options for the
connection a publish opens; here every ``ensure_connection()`` does, so an attempt is made at least
every ``RK_BROKER_RECONNECT_SECONDS`` (2; an attempt on a down Redis is one refused TCP connection).
"""
from __future__ import annotations

import errno
from contextlib import contextmanager
from queue import Empty

import kombu
from celery.app import amqp
from kombu.transport import redis


@contextmanager
def _lost_connection_on_failure(channel, what: str, delivery_tag):
    try:
        yield
    except BrokenPipeError:
        raise
    except channel.connection_errors as exc:
        if channel.closed:
            # A message of a connection already given up (a thread finished it after the consumer
            # reconnected): its channel holds no slot any more, and the new connection is not at fault.
            raise
        raise BrokenPipeError(errno.EPIPE, f"{what} of {delivery_tag} failed: {exc!r}") from exc


class QoS(redis.QoS):
    def ack(self, delivery_tag):
        with _lost_connection_on_failure(self.channel, "acknowledgement", delivery_tag):
            super().ack(delivery_tag)

    def reject(self, delivery_tag, requeue=False):
        with _lost_connection_on_failure(self.channel, "rejection", delivery_tag):
            super().reject(delivery_tag, requeue=requeue)


class Channel(redis.Channel):
    QoS = QoS

    def close(self):
        # With a BRPOP outstanding (a worker with free slots: threads, or several processes) on a
        # connection Redis has dropped, kombu's close() reads the reply first and lets the connection
        # error escape. The channel then stays half open; Celery's consumer closes it again after the
        # transport is gone, and that second close dies on an AttributeError: "Unrecoverable error",
        # the whole worker exits (issue 11, seen with the thread-pool workers). The reply is lost with
        # the connection either way; close the rest of the channel.
        if self._in_poll:
            try:
                self._brpop_read()
            except Empty:
                pass
            except self.connection_errors:
                pass  # _brpop_read has disconnected and cleared _in_poll
        super().close()


class Transport(redis.Transport):
    Channel = Channel


class Connection(kombu.Connection):
    INTERVALS = ("interval_start", "interval_step", "interval_max")

    def _ensure_connection(self, *args, **kwargs):
        if len(args) <= 2:  # errback, max_retries: the intervals, if given, are keywords
            for name in self.INTERVALS:
                if name in self.transport_options:
                    kwargs.setdefault(name, self.transport_options[name])
        return super()._ensure_connection(*args, **kwargs)


class AMQP(amqp.AMQP):
    Connection = Connection

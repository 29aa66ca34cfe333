-- The W3C trace context (traceparent) of the request or worker that wrote an outbox event: the
-- relay sends it as the Kafka record's traceparent header, so the consumer continues that trace
-- although the event leaves long after the request ended. Null when tracing is off.
ALTER TABLE outbox ADD COLUMN traceparent text;

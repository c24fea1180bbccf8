-- A city's own systems, told of its requests' events by a signed webhook.
ALTER TABLE city_delivery ADD COLUMN webhook_url TEXT;
ALTER TABLE city_delivery ADD COLUMN webhook_secret TEXT;

-- The secret a city's mail provider signs the replies it forwards with (inbound e-mail webhook).
ALTER TABLE city_delivery ADD COLUMN inbound_secret TEXT;

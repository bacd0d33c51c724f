ALTER TABLE api_tokens DROP COLUMN rate_per_minute;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;

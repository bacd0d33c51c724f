-- R-AFS-1: a gift to the customer as an outcome (its value counts against the opener's authority
-- limit), and what went wrong in a logistics exception (lost, damaged, stuck, a shipping reminder,
-- a carrier the customer chose).
ALTER TABLE aftersales_cases ADD COLUMN gift_fen BIGINT NOT NULL DEFAULT 0 CHECK (gift_fen >= 0);
ALTER TABLE aftersales_cases ADD COLUMN gift_item TEXT;
ALTER TABLE aftersales_cases ADD COLUMN logistics_issue TEXT;

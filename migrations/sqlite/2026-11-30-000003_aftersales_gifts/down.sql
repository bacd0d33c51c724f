ALTER TABLE aftersales_cases DROP COLUMN logistics_issue;
ALTER TABLE aftersales_cases DROP COLUMN gift_item;
ALTER TABLE aftersales_cases DROP COLUMN gift_fen;

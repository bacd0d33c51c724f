-- A work phone number, shown to the staff who need to reach a colleague on duty (the hotline).
ALTER TABLE users ADD COLUMN phone TEXT;

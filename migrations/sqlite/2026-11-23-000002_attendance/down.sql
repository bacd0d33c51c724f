DROP TABLE lateness_notices;
DROP TRIGGER punches_no_delete;
DROP TRIGGER punches_no_update;
DROP TABLE punches;

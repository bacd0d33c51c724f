DROP TABLE lateness_notices;
DROP TABLE punches;

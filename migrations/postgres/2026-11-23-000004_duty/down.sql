DROP TABLE duty_shifts;

DROP TABLE daily_reports;

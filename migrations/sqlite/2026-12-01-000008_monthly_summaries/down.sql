DROP TABLE daily_report_notes;
DROP TABLE monthly_summaries;

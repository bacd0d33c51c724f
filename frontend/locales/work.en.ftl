# The work bundle's texts (daily reports).
daily-report-title = My daily report · { $day }
daily-report-explain = Saved as you type, until the end of the day; after that it is kept as it is.
report-done = Work done
report-problems = Problems
report-plan = Plan for tomorrow
saving = Saving…
saved-at = Saved at { $time }
my-reports = My reports (last 30 days)
no-reports = No reports.
team-reports = Everyone's reports of a day
day = Day
not-filed = Not filed
all-filed = Everyone who works that day has filed.
due-today = due today
filed = Filed

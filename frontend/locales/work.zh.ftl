# The work bundle's texts (daily reports).
daily-report-title = 我的日报 · { $day }
daily-report-explain = 输入即自动保存，当天结束前可修改；之后按原样保存。
report-done = 今日工作
report-problems = 遇到的问题
report-plan = 明日计划
saving = 保存中…
saved-at = 已于 { $time } 保存
my-reports = 我的日报（近 30 天）
no-reports = 暂无日报。
team-reports = 某日全员日报
day = 日期
not-filed = 未提交
all-filed = 当天上班的人都已提交。
due-today = 今日待交
filed = 已提交

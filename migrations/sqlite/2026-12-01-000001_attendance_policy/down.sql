DROP TABLE attendance_adjustments;
DROP TABLE attendance_closings;
DROP TABLE employments;
DROP TABLE attendance_calendar;
DROP TABLE attendance_policies;

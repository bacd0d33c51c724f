DROP TABLE leave_requests;

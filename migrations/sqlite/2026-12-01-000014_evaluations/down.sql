DROP TABLE evaluation_closings;
DROP TABLE evaluations;
DROP TABLE evaluation_forms;

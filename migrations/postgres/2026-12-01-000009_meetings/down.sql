DROP TABLE action_items;
DROP TABLE meetings;

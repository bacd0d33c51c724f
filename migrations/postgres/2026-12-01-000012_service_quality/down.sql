DROP TABLE qa_reviews;
DROP TABLE qa_checklists;
DROP TABLE contacts;

DROP TABLE content_attachments;
DROP TABLE content_blob_chunks;
DROP TABLE content_blobs;
DROP TABLE content_events;
DROP TABLE content_revisions;
DROP TABLE content_items;

DROP TABLE handover_items;
DROP TABLE departures;

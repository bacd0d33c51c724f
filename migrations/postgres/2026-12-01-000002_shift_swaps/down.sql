DROP TABLE shift_swaps;
